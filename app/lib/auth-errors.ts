import { MIN_PASSWORD_LENGTH } from "../../server/auth/limits";

/** better-auth answers with error codes; people get a sentence that says what to do, next to the field it concerns. */
export function authErrorMessage(error: { code?: string; message?: string; status?: number }): { field: "email" | "password" | null; message: string } {
  switch (error.code) {
    case "USER_ALREADY_EXISTS":
    case "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL":
      return { field: "email", message: "An account with this email already exists. Sign in instead, or use another email." };
    case "PASSWORD_TOO_SHORT":
      return { field: "password", message: `Use at least ${MIN_PASSWORD_LENGTH} characters for the password.` };
    case "PASSWORD_TOO_LONG":
      return { field: "password", message: "That password is too long (at most 128 characters)." };
    case "INVALID_EMAIL":
      return { field: "email", message: "Enter a valid email address." };
    case "INVALID_EMAIL_OR_PASSWORD":
      return { field: "password", message: "Wrong email or password." };
    case "INVITATION_EMAIL":
      return { field: "email", message: error.message || "This invitation is for another email address." };
    // The server's own sentences: how long to wait, why sign-up needs an invitation, what is wrong with a link.
    case "TOO_MANY_SIGN_IN_ATTEMPTS":
    case "SIGNUP_CLOSED":
    case "INVITATION_REQUIRED":
    case "INVITATION_INVALID":
    case "INVITATION_EXPIRED":
    case "INVITATION_USED":
    case "INVITATION_REVOKED":
      if (error.message) return { field: null, message: error.message };
  }
  if (error.status === 429) return { field: null, message: "Too many attempts. Wait a few seconds and try again." };
  return { field: null, message: error.message || "Something went wrong. Try again." };
}
