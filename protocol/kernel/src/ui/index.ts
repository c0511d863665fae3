/**
 * Page components both services' server-rendered pages share (preact, rendered by
 * preact-render-to-string): markup that must read and behave the same on the appliance and on the
 * vendor's dashboard.
 */
export { FlashMessage, type Flash } from './flash.js';
