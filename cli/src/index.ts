export { PLUGINS } from './plugins';
