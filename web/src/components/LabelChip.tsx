/** A label in its colour. */
export function LabelChip(props: { name: string; color: string }) {
  return (
    <span class="label-chip" data-testid="label-chip" style={{ 'border-color': props.color, color: props.color }}>
      <i style={{ background: props.color }} />{props.name}
    </span>
  );
}
