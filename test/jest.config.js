module.exports = { ...require('../jest.base.js'), testTimeout: 60000 };
