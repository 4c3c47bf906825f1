import { SettingsPanel } from "../../../components/settings/SettingsPanel";
import { SETTINGS_TABS, type SettingsTab } from "../../../components/settings/tabs";

export const metadata = { title: "Settings" };

export default async function SettingsPage(props: { params: Promise<{ slug: string }>; searchParams: Promise<{ tab?: string | string[] }> }) {
  const [{ slug }, { tab }] = await Promise.all([props.params, props.searchParams]);
  const current = (SETTINGS_TABS as readonly string[]).includes(String(tab)) ? (tab as SettingsTab) : "keys";
  return <SettingsPanel workspace={slug} tab={current} />;
}
