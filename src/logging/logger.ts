/**
 * pino JSON logs. Fields that carry citizens' phone numbers are masked wherever they appear
 * (by key, at any depth up to the listed paths); secrets are removed.
 */
import { pino, type Logger, type LoggerOptions, type DestinationStream } from 'pino';
import { maskPhone } from './mask.js';

const PHONE_KEYS = ['phone', 'callerPhone', 'callerNumber', 'callerIdNum', 'caller', 'ani', 'connectedLineNum', 'callerid', 'calleridnum'];
const SECRET_KEYS = ['password', 'passwordHash', 'token', 'secret', 'cookie', 'authorization'];

function paths(keys: string[]): string[] {
  return keys.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);
}

export function createLogger(opts: { level: string; name?: string }, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level: opts.level,
    name: opts.name ?? 'sunline',
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [...paths(PHONE_KEYS), ...paths(SECRET_KEYS), 'req.headers.cookie', 'req.headers.authorization'],
      censor: (value: unknown, path: string[]) => {
        const key = path[path.length - 1] ?? '';
        if (SECRET_KEYS.includes(key) || key === 'cookie' || key === 'authorization') return '[redacted]';
        // Only values that look like numbers are masked: a key may also hold a profile object.
        if ((typeof value === 'string' || typeof value === 'number') && String(value).replace(/\D/g, '').length >= 5) {
          return maskPhone(value);
        }
        return value;
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
