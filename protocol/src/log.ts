/**
 * Structured logs (pino, JSON lines on stdout) — one line per event, machine-readable for the
 * vendor's support and the cabinet's IT person alike. Case data never goes into a log line.
 */
import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Defence in depth: secrets that might ride along on an object never reach the log.
    redact: { paths: ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization', 'cookie', '*.cookie', 'req.headers.cookie', 'req.headers.authorization'], censor: '[redacted]' },
  });
}
