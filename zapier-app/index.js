// Zapier loads an app from index.js at its root (zapier-platform-core's include/zapierwrapper.js).
module.exports = require('./dist/index.js');
