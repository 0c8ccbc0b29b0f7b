import type { JSX } from 'solid-js';

type IconProps = JSX.SvgSVGAttributes<SVGSVGElement>;

const base = (props: IconProps, children: JSX.Element) => (
  <svg viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="1.8"
    stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" {...props}>
    {children}
  </svg>
);

export const InboxIcon = (p: IconProps) => base(p, <>
  <path d="M22 12h-6l-2 3h-4l-2-3H2" />
  <path d="M5.45 5.11 2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.45-6.89A2 2 0 0 0 16.76 4H7.24a2 2 0 0 0-1.79 1.11z" />
</>);

export const BoltIcon = (p: IconProps) => base(p, <path d="M13 2 3 14h9l-1 8 10-12h-9l1-8z" />);

export const ChannelIcon = (p: IconProps) => base(p, <>
  <rect x="5" y="2" width="14" height="20" rx="2.5" />
  <path d="M12 18h.01" />
</>);

export const LogoutIcon = (p: IconProps) => base(p, <>
  <path d="M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4" />
  <path d="m16 17 5-5-5-5" />
  <path d="M21 12H9" />
</>);

export const SendIcon = (p: IconProps) => base(p, <>
  <path d="m22 2-7 20-4-9-9-4z" />
  <path d="M22 2 11 13" />
</>);

export const ExternalIcon = (p: IconProps) => base(p, <>
  <path d="M15 3h6v6" />
  <path d="M10 14 21 3" />
  <path d="M18 13v6a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h6" />
</>);

export const HandIcon = (p: IconProps) => base(p, <>
  <path d="M18 11V6a2 2 0 0 0-4 0v5" />
  <path d="M14 10V4a2 2 0 0 0-4 0v6" />
  <path d="M10 10.5V6a2 2 0 0 0-4 0v8" />
  <path d="M18 8a2 2 0 1 1 4 0v6a8 8 0 0 1-8 8h-2c-2.8 0-4.5-.86-5.99-2.34l-3.6-3.6a2 2 0 0 1 2.83-2.82L7 15" />
</>);

export const BotIcon = (p: IconProps) => base(p, <>
  <rect x="3" y="8" width="18" height="12" rx="3" />
  <path d="M12 8V4" />
  <circle cx="12" cy="3" r="1" />
  <path d="M9 13v2M15 13v2" />
</>);

export const PersonIcon = (p: IconProps) => (
  <svg viewBox="0 0 24 24" fill="currentColor" aria-hidden="true" {...p}>
    <circle cx="12" cy="8.5" r="4.2" />
    <path d="M3.8 20.2c.9-3.9 4.2-6.2 8.2-6.2s7.3 2.3 8.2 6.2c.1.5-.3.8-.8.8H4.6c-.5 0-.9-.3-.8-.8z" />
  </svg>
);

export const PlusIcon = (p: IconProps) => base(p, <path d="M12 5v14M5 12h14" />);

export const SearchIcon = (p: IconProps) => base(p, <>
  <circle cx="11" cy="11" r="7" />
  <path d="m21 21-4.3-4.3" />
</>);

export const ClockIcon = (p: IconProps) => base(p, <>
  <circle cx="12" cy="12" r="9" />
  <path d="M12 7v5l3 2" />
</>);

export const AlertIcon = (p: IconProps) => base(p, <>
  <circle cx="12" cy="12" r="9" />
  <path d="M12 8v4M12 16h.01" />
</>);

export const ChatIcon = (p: IconProps) => base(p, <path d="M21 12a8 8 0 0 1-11.8 7L3 21l2-6.2A8 8 0 1 1 21 12z" />);

/** WhatsApp-style single and double check marks (drawn filled, not stroked). */
export const CheckIcon = (p: IconProps) => (
  <svg viewBox="0 0 16 11" width="16" height="11" fill="currentColor" aria-hidden="true" {...p}>
    <path d="M11.07.65a.5.5 0 0 1 .08.7L5.4 8.6a.5.5 0 0 1-.74.05L1.9 5.97a.5.5 0 1 1 .7-.72l2.36 2.3L10.37.73a.5.5 0 0 1 .7-.08z" />
  </svg>
);

export const DoubleCheckIcon = (p: IconProps) => (
  <svg viewBox="0 0 18 11" width="18" height="11" fill="currentColor" aria-hidden="true" {...p}>
    <path d="M11.07.65a.5.5 0 0 1 .08.7L5.4 8.6a.5.5 0 0 1-.74.05L1.9 5.97a.5.5 0 1 1 .7-.72l2.36 2.3L10.37.73a.5.5 0 0 1 .7-.08z" />
    <path d="M16.07.65a.5.5 0 0 1 .08.7L10.4 8.6a.5.5 0 0 1-.76.04l-.9-.9a.5.5 0 1 1 .7-.7l.5.5L15.37.73a.5.5 0 0 1 .7-.08z" />
  </svg>
);

export const ContactsIcon = (p: IconProps) => base(p, <>
  <rect x="4" y="3" width="16" height="18" rx="2" />
  <circle cx="12" cy="10" r="3" />
  <path d="M7 18a5 5 0 0 1 10 0" />
</>);

export const TeamIcon = (p: IconProps) => base(p, <>
  <path d="M16 21v-2a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v2" />
  <circle cx="9" cy="7" r="4" />
  <path d="M22 21v-2a4 4 0 0 0-3-3.87" />
  <path d="M16 3.13a4 4 0 0 1 0 7.75" />
</>);

export const SettingsIcon = (p: IconProps) => base(p, <>
  <path d="M12.22 2h-.44a2 2 0 0 0-2 2v.18a2 2 0 0 1-1 1.73l-.43.25a2 2 0 0 1-2 0l-.15-.08a2 2 0 0 0-2.73.73l-.22.38a2 2 0 0 0 .73 2.73l.15.1a2 2 0 0 1 1 1.72v.51a2 2 0 0 1-1 1.74l-.15.09a2 2 0 0 0-.73 2.73l.22.38a2 2 0 0 0 2.73.73l.15-.08a2 2 0 0 1 2 0l.43.25a2 2 0 0 1 1 1.73V20a2 2 0 0 0 2 2h.44a2 2 0 0 0 2-2v-.18a2 2 0 0 1 1-1.73l.43-.25a2 2 0 0 1 2 0l.15.08a2 2 0 0 0 2.73-.73l.22-.39a2 2 0 0 0-.73-2.73l-.15-.08a2 2 0 0 1-1-1.74v-.5a2 2 0 0 1 1-1.74l.15-.09a2 2 0 0 0 .73-2.73l-.22-.38a2 2 0 0 0-2.73-.73l-.15.08a2 2 0 0 1-2 0l-.43-.25a2 2 0 0 1-1-1.73V4a2 2 0 0 0-2-2z" />
  <circle cx="12" cy="12" r="3" />
</>);

export const CloseIcon = (p: IconProps) => base(p, <path d="M18 6 6 18M6 6l12 12" />);

export const BlockIcon = (p: IconProps) => base(p, <>
  <circle cx="12" cy="12" r="9" />
  <path d="m5.7 5.7 12.6 12.6" />
</>);

export const LockIcon = (p: IconProps) => base(p, <>
  <rect x="4" y="11" width="16" height="10" rx="2" />
  <path d="M8 11V7a4 4 0 0 1 8 0v4" />
</>);

export const CheckCircleIcon = (p: IconProps) => base(p, <>
  <circle cx="12" cy="12" r="9" />
  <path d="m8.5 12 2.5 2.5 4.5-5" />
</>);

export const MoonIcon = (p: IconProps) => base(p, <path d="M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8z" />);

export const ReplyIcon = (p: IconProps) => base(p, <>
  <path d="m9 14-5-5 5-5" />
  <path d="M4 9h10.5a5.5 5.5 0 0 1 0 11H11" />
</>);

export const BookIcon = (p: IconProps) => base(p, <>
  <path d="M4 19.5A2.5 2.5 0 0 1 6.5 17H20V3H6.5A2.5 2.5 0 0 0 4 5.5z" />
  <path d="M4 19.5A2.5 2.5 0 0 0 6.5 22H20v-5" />
</>);

export const UploadIcon = (p: IconProps) => base(p, <>
  <path d="M12 16V4M6 10l6-6 6 6" />
  <path d="M4 20h16" />
</>);

export const FlowIcon = (p: IconProps) => base(p, <>
  <rect x="3" y="3" width="7" height="5" rx="1.5" />
  <rect x="14" y="16" width="7" height="5" rx="1.5" />
  <path d="M6.5 8v4a2 2 0 0 0 2 2h7a2 2 0 0 1 2 2" />
</>);

export const MegaphoneIcon = (p: IconProps) => base(p, <>
  <path d="M3 10v4a1 1 0 0 0 1 1h3l6 4V5L7 9H4a1 1 0 0 0-1 1z" />
  <path d="M17 8.5a5 5 0 0 1 0 7M19.5 6a8.5 8.5 0 0 1 0 12" />
</>);
