/** An on/off switch (a checkbox with the switch role). */
export function ToggleSwitch(props: { checked: boolean; testid: string; label: string; onChange: (checked: boolean) => void }) {
  return (
    <span class="switch">
      <input type="checkbox" role="switch" aria-label={props.label} checked={props.checked} data-testid={props.testid}
        onChange={(e) => props.onChange(e.currentTarget.checked)} />
      <span class="switch-track" aria-hidden="true" />
    </span>
  );
}
