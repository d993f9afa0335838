/** SCIM PATCH (RFC 7644 §3.5.2): IdP dialects normalised in one place, then applied with scim-patch. */
export { applyOperations, applyPatch } from './apply.ts';
export {
  normalisePatchBody,
  PATCH_OP_SCHEMA,
  type PatchOperation,
  type PatchOpName,
  type PatchTarget,
} from './normalise.ts';
