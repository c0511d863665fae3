/** Models named by the seed; the license says which one a cabinet may run (re-exported by schemas.ts). */
export const AI_MODELS_LIST = ['ceseda-basic-v1', 'ceseda-pro-v1', 'ceseda-enterprise-v1'] as const;
