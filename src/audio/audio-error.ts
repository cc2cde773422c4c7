// The error every audio reader throws for a file it cannot use; the message is the reason (callers name the file).
export class AudioError extends Error {
  override name = 'AudioError';
}
