// A call the host itself stops (the server shutting down after its drain time) rather than its client: the abort
// reason carries the sentence the run record and the caller get, where a client's cancellation gets the usual one.
export class HostCancellation extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HostCancellation";
  }
}

export const CLIENT_CANCELLED = "Run cancelled by the client";

/** What a cancelled call's result and record say, from its signal's reason. */
export function cancellationMessage(signal: AbortSignal | undefined): string {
  return signal?.reason instanceof HostCancellation ? signal.reason.message : CLIENT_CANCELLED;
}
