import type { FastifyReply } from 'fastify';

/** The media type Safari and Wallet recognise as a pass. */
export const PKPASS_TYPE = 'application/vnd.apple.pkpass';

export function sendPkpass(reply: FastifyReply, pkpass: Buffer, serialNumber: string) {
  return reply
    .header('content-type', PKPASS_TYPE)
    .header('content-disposition', `attachment; filename="${serialNumber}.pkpass"`)
    .send(pkpass);
}
