import { describe, isAbsent, type JsonObject } from './json-shape';
import { inPassJson, type Problems } from './problems';

const MIN_TOKEN_LENGTH = 16;

function checkUrl(url: unknown, problems: Problems): void {
  const where = inPassJson('webServiceURL');
  let protocol: string | undefined;
  try {
    protocol = typeof url === 'string' ? new URL(url).protocol : undefined;
  } catch {
    protocol = undefined;
  }
  if (protocol === 'http:') {
    problems.warning(
      'web_service_url_insecure',
      'webServiceURL uses http://, which only works on devices with development HTTP services enabled; use https:// in production.',
      where,
    );
  } else if (protocol !== 'https:') {
    problems.error('web_service_url_invalid', `webServiceURL is ${describe(url)}; it must be an absolute https:// URL.`, where);
  }
}

function checkToken(token: unknown, problems: Problems): void {
  const where = inPassJson('authenticationToken');
  if (typeof token !== 'string') {
    problems.error('authentication_token_invalid', 'authenticationToken must be a string.', where);
  } else if (token.length < MIN_TOKEN_LENGTH) {
    problems.error(
      'authentication_token_too_short',
      `authenticationToken has ${token.length} characters; Wallet requires at least ${MIN_TOKEN_LENGTH}.`,
      where,
    );
  }
}

/** webServiceURL and authenticationToken come as a pair: an https URL and a token of 16+ characters. */
export function checkWebService(pass: JsonObject, problems: Problems): void {
  const hasUrl = !isAbsent(pass.webServiceURL);
  const hasToken = !isAbsent(pass.authenticationToken);
  if (hasUrl !== hasToken) {
    const [present, absent] = hasUrl ? ['webServiceURL', 'authenticationToken'] : ['authenticationToken', 'webServiceURL'];
    problems.error('web_service_incomplete', `pass.json has ${present} but no ${absent}; give both or neither.`, inPassJson(absent));
  }
  if (hasUrl) checkUrl(pass.webServiceURL, problems);
  if (hasToken) checkToken(pass.authenticationToken, problems);
}
