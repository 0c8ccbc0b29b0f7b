/** What the Cloud API suites send as Meta would: signed webhook bodies for a channel. */
import { randomUUID } from 'node:crypto';
import { signBody } from '../../connector/channels/cloud-api/signature';

/** POSTs a body to a channel's webhook, signed with `appSecret` (or with the given header). */
export async function postWebhook(apiUrl: string, channelId: string, body: string | Buffer, appSecret: string, signature = signBody(body, appSecret)): Promise<Response> {
  return fetch(`${apiUrl}/webhooks/whatsapp/${channelId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
}

/** A webhook body with one text message from `from` (E.164), as Meta sends it. */
export function textWebhook(options: { phoneNumberId: string; from: string; text: string; id?: string; name?: string }): string {
  const waId = options.from.replace(/^\+/, '');
  return webhookBody(options.phoneNumberId, {
    contacts: [{ profile: { name: options.name ?? 'Customer' }, wa_id: waId }],
    messages: [{ from: waId, id: options.id ?? `wamid.${randomUUID()}`, timestamp: now(), type: 'text', text: { body: options.text } }],
  });
}

/** A webhook body with one status of a message we sent. */
export function statusWebhook(options: { phoneNumberId: string; externalId: string; status: string; to: string; errors?: unknown[] }): string {
  return webhookBody(options.phoneNumberId, {
    statuses: [{ id: options.externalId, status: options.status, timestamp: now(), recipient_id: options.to.replace(/^\+/, ''), ...(options.errors ? { errors: options.errors } : {}) }],
  });
}

/** The envelope every notification comes in: one entry, one "messages" change. */
function webhookBody(phoneNumberId: string, value: Record<string, unknown>): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: 'WABA', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550100', phone_number_id: phoneNumberId }, ...value } }] }],
  });
}

const now = () => String(Math.floor(Date.now() / 1000));
