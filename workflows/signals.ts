/** Signal and query names of the conversation workflow, importable outside the workflow sandbox. */
export const CONVERSATION_SIGNALS = {
  inbound: 'inbound',
  agentMessage: 'agentMessage',
  takeOver: 'takeOver',
  release: 'release',
} as const;
export const CONVERSATION_STATE_QUERY = 'state';
