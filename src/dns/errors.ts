// The one error the coder throws: bytes that are not a well-formed DNS message (decoding), or a
// value that cannot be written as one (encoding). Callers that read from the network catch it
// and drop or step over what they got; nothing else escapes the coder.

export class PacketError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PacketError';
  }
}
