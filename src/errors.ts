// Errors that end a run with a one-line message and a contract exit code (DESIGN.md: 2 = could not run).

export class GpuctlError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'GpuctlError';
  }
}

export class UsageError extends GpuctlError {
  constructor(message: string, hint?: string) {
    super(message, 2, hint);
    this.name = 'UsageError';
  }
}

export function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]!.trim();
}
