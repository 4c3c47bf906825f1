// The HostError a host capability (sql, http) rejects with, for tests that look at its code and message.
import { expect } from "vitest";
import { HostError } from "../../runtime/host/types";

export async function hostFailure(promise: Promise<unknown>): Promise<HostError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(HostError);
    return error as HostError;
  }
  throw new Error("expected the request to fail");
}
