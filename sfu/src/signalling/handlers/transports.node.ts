import { ParleyError, type SfuTransportInfo } from '@parley/core';
import type { types } from 'mediasoup';
import type { SfuHandler } from './types.js';

export const createTransport: SfuHandler<'transport:create'> = {
  async handle(request, { ctx, session }) {
    const { room, peer } = session.inRoom();
    if (request.plain && !ctx.config.plainTransports) {
      throw new ParleyError('ACCESS_DENIED', 'this SFU does not offer plain RTP transports');
    }
    const transport = await room.createTransport(peer, request.plain);
    transport.appData['direction'] = request.direction;
    if (transport.type === 'plain') {
      const { tuple } = transport as types.PlainTransport;
      return { transportId: transport.id, ip: tuple.localAddress ?? tuple.localIp, port: tuple.localPort };
    }
    const webRtc = transport as types.WebRtcTransport;
    const info: SfuTransportInfo = {
      transportId: webRtc.id,
      iceParameters: webRtc.iceParameters,
      iceCandidates: webRtc.iceCandidates,
      dtlsParameters: webRtc.dtlsParameters,
    };
    return info;
  },
};

export const connectTransport: SfuHandler<'transport:connect'> = {
  async handle(request, { session }) {
    const { peer } = session.inRoom();
    const transport = peer.transport(request.transportId);
    if (transport.type === 'plain') {
      if (!request.plain)
        throw new ParleyError('BAD_REQUEST', 'a plain transport connects to an ip and port');
      await transport.connect(request.plain);
    } else {
      if (!request.dtlsParameters) throw new ParleyError('BAD_REQUEST', 'dtlsParameters missing');
      await transport.connect({ dtlsParameters: request.dtlsParameters as unknown as types.DtlsParameters });
    }
    return {};
  },
};
