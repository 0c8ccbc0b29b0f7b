import type { JSX } from 'solid-js';

/** One section of the settings page: an intro on the left, its fields on the right. */
export function SettingsSection(props: { icon: JSX.Element; title: string; description: string; children: JSX.Element }) {
  return (
    <section class="settings-section">
      <div class="settings-section-intro">
        <div class="settings-section-icon">{props.icon}</div>
        <h2>{props.title}</h2>
        <p class="muted">{props.description}</p>
      </div>
      <div class="settings-section-body">{props.children}</div>
    </section>
  );
}
