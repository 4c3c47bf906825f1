// Why a file was not taken, as a sentence for the person who uploaded it and a reason code for the app and tests.
// Thrown by the checks and extractors (also inside the extraction worker, which sends back both parts).
export type RefusalReason =
  | "too_large"
  | "quota"
  | "unsupported"
  | "wrong_type"
  | "corrupt"
  | "protected"
  | "zip_bomb"
  | "no_text"
  | "too_complex";

export class DocumentRefused extends Error {
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
    this.name = "DocumentRefused";
  }
}
