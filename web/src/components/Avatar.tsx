import { avatarHue, initials } from '../lib/format';
import { PersonIcon } from './Icons';

/** A round avatar with initials, coloured stably by the contact's phone. */
export function Avatar(props: { name?: string | null; phone: string; size?: number }) {
  const size = () => props.size ?? 40;
  const hue = () => avatarHue(props.phone);
  return (
    <span class="avatar" style={{
      width: `${size()}px`, height: `${size()}px`, 'font-size': `${Math.round(size() * 0.38)}px`,
      background: `hsl(${hue()} 55% 90%)`, color: `hsl(${hue()} 45% 30%)`,
    }}>
      {props.name?.trim() ? initials(props.name, props.phone) : <PersonIcon width="60%" height="60%" />}
    </span>
  );
}
