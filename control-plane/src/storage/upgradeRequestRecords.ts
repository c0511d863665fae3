/**
 * The upgrade requests appliances sent (protocol/src/upgradeRequest.ts), as the control plane
 * keeps them in DATA_DIR/upgrade-requests.json: what the request said, the signed JWS as received
 * (the cabinet's own words, signed by its appliance), and what the vendor did with it.
 */
import { z } from 'zod';
import { planLimitsSchema } from '@iamanager/protocol';

export const UPGRADE_REQUEST_STATUSES = ['open', 'handled'] as const;
export type UpgradeRequestStatus = (typeof UPGRADE_REQUEST_STATUSES)[number];

export const upgradeRequestRecordSchema = z.object({
  /** The request's nonce (`jti`): its id here, and what a replay is recognised by. */
  id: z.string(),
  applianceId: z.string(),
  cabinetId: z.string(),
  licenseId: z.string(),
  /** When the appliance first signed it (`iat` of the copy received) and when it arrived. */
  signedAt: z.string(),
  receivedAt: z.string(),
  currentPlan: z.string(),
  wantedPlan: z.string(),
  limits: planLimitsSchema,
  usage: z.object({ month: z.string(), usersActive: z.int(), casesOpen: z.int(), analysesUsed: z.int() }),
  message: z.string().nullable(),
  jws: z.string(),
  status: z.enum(UPGRADE_REQUEST_STATUSES),
  handledAt: z.string().nullable(),
  handledBy: z.string().nullable(),
});
export type UpgradeRequestRecord = z.infer<typeof upgradeRequestRecordSchema>;

export const upgradeRequestsFileSchema = z.object({ requests: z.array(upgradeRequestRecordSchema) });
export type UpgradeRequestsFile = z.infer<typeof upgradeRequestsFileSchema>;
