// Shared by the auth server config and the browser forms, so both enforce the same rule.
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 128;
