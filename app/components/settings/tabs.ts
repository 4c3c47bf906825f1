// Plain module (not "use client"): the settings page, a server component, reads these values.
export const SETTINGS_TABS = ["keys", "secrets", "connections", "apps", "limits", "audit"] as const;
export type SettingsTab = (typeof SETTINGS_TABS)[number];
