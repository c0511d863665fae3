export { errorMiddleware, logResponseErrors, COMMON_STATUS, type CommonErrorCode } from './errorMiddleware.js';
export { readJson, readText, parseBody, parseQuery, type ReadBodyOptions } from './body.js';
export { requestContext } from './requestContext.js';
export { listen, runUntilSignal, type RunningServer } from './listen.js';
export {
  listenCommandSocket,
  sendCommand,
  commandRequestSchema,
  COMMAND_SOCKET_PATH,
  type CommandRequest,
  type CommandSocket,
} from './commandSocket.js';
export { metricsTokenSchema, requireMetricsToken } from './metricsToken.js';
