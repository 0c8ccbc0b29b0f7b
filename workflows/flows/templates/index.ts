/**
 * Ready-made flows a workspace imports in one click (importFlowTemplate): each a definition in the
 * stable JSON format, valid as shipped (templates.test.ts), with placeholder URLs to edit.
 */
import type { FlowDefinition } from '../definition';
import bookingAssistant from './booking-assistant.json';
import orderTracking from './order-tracking.json';
import faqBot from './faq-bot.json';
import leadQualification from './lead-qualification.json';

export interface FlowTemplate {
  id: string;
  name: string;
  description: string;
  definition: FlowDefinition;
}

export const FLOW_TEMPLATES: readonly FlowTemplate[] = [
  {
    id: 'booking-assistant',
    name: 'Booking assistant',
    description: 'Asks for a date, a time and a name, then confirms the booking with Yes / No buttons and tags the contact "booked".',
    definition: bookingAssistant as FlowDefinition,
  },
  {
    id: 'order-tracking',
    name: 'Order tracking',
    description: 'Asks for the order number, looks it up with a webhook (edit the URL to your shop\'s API) and answers with its status; a failed lookup hands over to an agent.',
    definition: orderTracking as FlowDefinition,
  },
  {
    id: 'faq-bot',
    name: 'FAQ bot',
    description: "Answers a new contact's first message from your knowledge base with AI, and hands over to an agent when it is unsure or the contact asks for a person.",
    definition: faqBot as FlowDefinition,
  },
  {
    id: 'lead-qualification',
    name: 'Lead qualification',
    description: 'Asks for name, email and company size, tags the contact "lead" and posts the lead to your CRM with a webhook (edit the URL).',
    definition: leadQualification as FlowDefinition,
  },
];

/** A template by its id, or undefined. */
export function flowTemplate(id: string): FlowTemplate | undefined {
  return FLOW_TEMPLATES.find((template) => template.id === id);
}
