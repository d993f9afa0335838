/**
 * The values to paste into the IdPs, spelled as their admin consoles label them.
 */

/**
 * The SCIM base URL of a directory, from the API URL (`https://…/prod`) or the `ScimBaseUrl`
 * stack output (a template with `{directoryId}`).
 *
 * @example
 * scimBaseUrl('https://abc.execute-api.eu-west-1.amazonaws.com/prod', 'okta');
 * // 'https://abc.execute-api.eu-west-1.amazonaws.com/prod/okta/scim/v2'
 */
export function scimBaseUrl(apiUrl: string | undefined, directoryId: string): string {
  if (!apiUrl) return `<API URL, e.g. the ScimBaseUrl stack output>/${directoryId}/scim/v2`;
  if (apiUrl.includes('{directoryId}')) return apiUrl.replace('{directoryId}', directoryId);
  return `${apiUrl.replace(/\/+$/, '')}/${directoryId}/scim/v2`;
}

/**
 * The lines to paste into Entra ID and Okta for one directory; with a token when one was just
 * minted (it is shown this once), otherwise with a placeholder.
 *
 * @example
 * console.log(idpValues({ baseUrl, token }).join('\n'));
 */
export function idpValues({ baseUrl, token }: { baseUrl: string; token?: string }): string[] {
  const secret = token ?? '<a token from: npm run admin -- token mint>';
  return [
    'Microsoft Entra ID (Enterprise application > Provisioning > Admin Credentials):',
    `  Tenant URL:     ${baseUrl}`,
    `  Secret Token:   ${secret}`,
    '',
    'Okta (App > General > App Settings > SCIM connection; Authentication Mode: HTTP Header):',
    `  SCIM connector base URL:  ${baseUrl}`,
    '  Unique identifier field for users:  userName',
    `  Authorization header:     Bearer ${secret}`,
    '  (where the form already shows "Bearer", paste only the token after it)',
    '',
  ];
}
