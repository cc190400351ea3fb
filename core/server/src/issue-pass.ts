import {
  SERIAL_NUMBER_PATTERN,
  appleWebServiceUrl,
  createPassBuilder,
  generateAuthenticationToken,
  generateSerialNumber,
  InvalidInputError,
  normalisePassInput,
  parsePassInput,
  type BuiltPass,
  type SigningIdentity,
} from '@passmint/engine';

export interface IssueOptions {
  identity: SigningIdentity;
  serialNumber?: string;
  organizationName: string;
  publicUrl?: string;
}

export interface IssuedPass extends BuiltPass {
  serialNumber: string;
}

/** Validates a body and signs it; invalid input throws an InvalidInputError listing every issue. */
export function issuePass(body: unknown, options: IssueOptions): IssuedPass {
  const parsed = parsePassInput(body);
  if (!parsed.ok) throw parsed.error;
  const serialNumber = options.serialNumber ?? generateSerialNumber();
  if (!SERIAL_NUMBER_PATTERN.test(serialNumber)) {
    throw new InvalidInputError(
      'Invalid serial number.',
      [{ path: 'serial', message: 'must be 1 to 64 of A-Z a-z 0-9 . _ -' }],
      'invalid_serial',
    );
  }
  const built = createPassBuilder(options.identity).build(normalisePassInput(parsed.value), {
    serialNumber,
    organizationName: options.organizationName,
    issuedAt: new Date(),
    ...(options.publicUrl
      ? { webService: { url: appleWebServiceUrl(options.publicUrl), authenticationToken: generateAuthenticationToken() } }
      : {}),
  });
  return { ...built, serialNumber };
}
