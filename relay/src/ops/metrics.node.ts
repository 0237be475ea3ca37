import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics, one registry per relay instance so tests can run several relays in one process. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    connectedClients: new Gauge({
      name: 'parley_connected_clients',
      help: 'Open Socket.IO connections',
      registers: [registry],
    }),
    authenticatedClients: new Gauge({
      name: 'parley_authenticated_clients',
      help: 'Connections that completed the auth handshake',
      registers: [registry],
    }),
    events: new Counter({
      name: 'parley_events_total',
      help: 'Client events handled, by event and outcome',
      labelNames: ['event', 'outcome'] as const,
      registers: [registry],
    }),
    blobsStored: new Gauge({
      name: 'parley_blobs_stored',
      help: 'Undelivered offline blobs held',
      registers: [registry],
    }),
    blobBytes: new Gauge({
      name: 'parley_blob_bytes',
      help: 'Bytes of undelivered blob payload held',
      registers: [registry],
    }),
    attachmentsStored: new Gauge({
      name: 'parley_attachments_stored',
      help: 'Attachments held',
      registers: [registry],
    }),
    attachmentBytes: new Gauge({
      name: 'parley_attachment_bytes',
      help: 'Bytes of attachments held',
      registers: [registry],
    }),
    bytesIn: new Counter({
      name: 'parley_bytes_received_total',
      help: 'Payload bytes received',
      registers: [registry],
    }),
    bytesOut: new Counter({
      name: 'parley_bytes_sent_total',
      help: 'Payload bytes sent',
      registers: [registry],
    }),
  };
}

export type RelayMetrics = ReturnType<typeof createMetrics>;
