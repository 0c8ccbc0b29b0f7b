/**
 * The Cloud API's webhook body (WhatsApp Business Account "messages" field), as zod schemas.
 * Only what the normalizer reads is required; everything else Meta adds is let through.
 */
import { z } from 'zod';

const media = z.looseObject({
  id: z.string(),
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
  url: z.string().optional(),
  voice: z.boolean().optional(),
  animated: z.boolean().optional(),
  file_size: z.number().optional(),
});

const contactCard = z.looseObject({
  name: z.looseObject({ formatted_name: z.string().optional(), first_name: z.string().optional() }).optional(),
  phones: z.array(z.looseObject({ phone: z.string().optional(), wa_id: z.string().optional() })).optional(),
});

const graphError = z.looseObject({
  code: z.number(),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.looseObject({ details: z.string().optional() }).optional(),
});

/** One inbound message of `value.messages`. */
export const cloudMessage = z.looseObject({
  from: z.string(),
  id: z.string(),
  timestamp: z.string(),
  type: z.string(),
  context: z.looseObject({ id: z.string().optional(), from: z.string().optional(), forwarded: z.boolean().optional(), frequently_forwarded: z.boolean().optional() }).optional(),
  text: z.looseObject({ body: z.string() }).optional(),
  image: media.optional(),
  video: media.optional(),
  audio: media.optional(),
  document: media.optional(),
  sticker: media.optional(),
  location: z.looseObject({ latitude: z.number(), longitude: z.number(), name: z.string().optional(), address: z.string().optional(), url: z.string().optional() }).optional(),
  contacts: z.array(contactCard).optional(),
  reaction: z.looseObject({ message_id: z.string(), emoji: z.string().optional() }).optional(),
  interactive: z
    .looseObject({
      type: z.string(),
      button_reply: z.looseObject({ id: z.string(), title: z.string() }).optional(),
      list_reply: z.looseObject({ id: z.string(), title: z.string(), description: z.string().optional() }).optional(),
    })
    .optional(),
  button: z.looseObject({ text: z.string(), payload: z.string().optional() }).optional(),
  order: z.looseObject({ catalog_id: z.string().optional(), text: z.string().optional(), product_items: z.array(z.looseObject({ product_retailer_id: z.string().optional(), quantity: z.number().optional(), item_price: z.number().optional(), currency: z.string().optional() })).optional() }).optional(),
  system: z.looseObject({ body: z.string().optional(), type: z.string().optional() }).optional(),
  unsupported: z.looseObject({ type: z.string().optional() }).optional(),
  errors: z.array(graphError).optional(),
});
export type CloudMessage = z.infer<typeof cloudMessage>;

/** One delivery receipt of `value.statuses`. */
export const cloudStatus = z.looseObject({
  id: z.string(),
  status: z.string(),
  timestamp: z.string(),
  recipient_id: z.string().optional(),
  errors: z.array(graphError).optional(),
});
export type CloudStatus = z.infer<typeof cloudStatus>;

const change = z.looseObject({
  field: z.string(),
  value: z.looseObject({
    messaging_product: z.string().optional(),
    metadata: z.looseObject({ phone_number_id: z.string(), display_phone_number: z.string().optional() }).optional(),
    contacts: z.array(z.looseObject({ wa_id: z.string().optional(), profile: z.looseObject({ name: z.string().optional() }).optional() })).optional(),
    messages: z.array(cloudMessage).optional(),
    statuses: z.array(cloudStatus).optional(),
  }),
});

/** The whole POST body. */
export const cloudWebhook = z.looseObject({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(z.looseObject({ id: z.string(), changes: z.array(change) })),
});
export type CloudWebhook = z.infer<typeof cloudWebhook>;
