import type { Bundle, ZObject } from 'zapier-platform-core';
import { eventTriggers, type EventItem } from './event-triggers';
import { bodyFrom, call, passmintFor } from './passmint';
import { PASS_OUTPUT_FIELDS, PASS_SAMPLE, passInputFields } from './fields';

/** What an update answers (PUT and the field PATCH alike), as a Zapier action's sample and fields. */
const PASS_UPDATED_OUTPUT = {
  sample: { serialNumber: PASS_SAMPLE.serialNumber, lastUpdated: '2026-11-27T10:00:00.000Z', notifiedDevices: 2, unchanged: false },
  outputFields: [
    { key: 'serialNumber' },
    { key: 'lastUpdated' },
    { key: 'notifiedDevices', type: 'integer' },
    { key: 'unchanged', type: 'boolean' },
    { key: 'warnings', label: 'Warnings', list: true },
  ],
};

const VERSION = '0.1.0';
// zapier-platform-core's version: Zapier checks the app declares the one it runs.
const PLATFORM_VERSION = '19.1.0';

const authentication = {
  type: 'custom' as const,
  fields: [
    {
      key: 'baseUrl',
      label: 'Passmint URL',
      required: true,
      type: 'string' as const,
      helpText: 'Where your Passmint server runs, e.g. https://passes.example.com.',
    },
    {
      key: 'apiKey',
      label: 'API key',
      required: true,
      type: 'password' as const,
      helpText: 'A key from `passmint keys create --tenant <name>`; it starts with pm_live_.',
    },
  ],
  test: async (z: ZObject, bundle: Bundle) => call(z, () => passmintFor(bundle).usage()),
  connectionLabel: (_z: ZObject, bundle: Bundle) => String((bundle.inputData as { month?: string }).month ?? 'Passmint'),
};

const serialField = { key: 'serialNumber', label: 'Serial number', required: true, helpText: 'The serial number Create Pass returned.' };

const createPass = {
  key: 'create_pass',
  noun: 'Pass',
  display: { label: 'Create Pass', description: 'Issues an Apple Wallet pass and its Google Wallet link.' },
  operation: {
    inputFields: passInputFields,
    perform: async (z: ZObject, bundle: Bundle) => {
      const created = await call(z, () => passmintFor(bundle).createPass(bodyFrom(bundle.inputData)));
      // The .pkpass itself is on the share page; Zapier steps want small JSON.
      return {
        serialNumber: created.serialNumber,
        shareUrl: created.shareUrl,
        googleSaveUrl: created.googleSaveUrl,
        warnings: created.warnings ?? [],
      };
    },
    sample: PASS_SAMPLE,
    outputFields: PASS_OUTPUT_FIELDS,
  },
};

const updatePass = {
  key: 'update_pass',
  noun: 'Pass',
  display: {
    label: 'Update Pass',
    description: 'Replaces the WHOLE pass and pushes the change to every phone: fields you leave empty are removed from the pass.',
  },
  operation: {
    inputFields: [serialField, ...passInputFields],
    perform: async (z: ZObject, bundle: Bundle) => {
      const { serialNumber, ...rest } = bundle.inputData as Record<string, unknown> & { serialNumber: string };
      return call(z, () => passmintFor(bundle).updatePass(serialNumber, bodyFrom(rest)));
    },
    ...PASS_UPDATED_OUTPUT,
  },
};

const voidPass = {
  key: 'void_pass',
  noun: 'Pass',
  display: {
    label: 'Void Pass',
    description: 'Marks the pass void on every phone (e.g. a redeemed coupon); it cannot be updated afterwards.',
  },
  operation: {
    inputFields: [serialField],
    perform: async (z: ZObject, bundle: Bundle) => call(z, () => passmintFor(bundle).voidPass(String(bundle.inputData.serialNumber))),
    sample: { serialNumber: PASS_SAMPLE.serialNumber, voided: true, lastUpdated: '2026-11-27T10:00:00.000Z', notifiedDevices: 2 },
  },
};

const updatePassField = {
  key: 'update_pass_field',
  noun: 'Pass',
  display: {
    label: 'Update Pass Field',
    description: 'Changes the value of one field of a pass, by its key, and pushes the change to every phone; the rest of the pass stays.',
  },
  operation: {
    inputFields: [
      serialField,
      {
        key: 'key',
        label: 'Field key',
        required: true,
        helpText: 'The key of the field, as Find Pass by Serial shows it in body.headerFields[].key (and the other sections), e.g. points.',
      },
      { key: 'value', label: 'Value', required: true, helpText: 'The new text of the field, e.g. 1,300.' },
      {
        key: 'changeMessage',
        label: 'Change message',
        helpText: 'Lock-screen text for this change; %@ is the new value, e.g. You now have %@ points.',
      },
    ],
    perform: async (z: ZObject, bundle: Bundle) => {
      const { serialNumber, key, value, changeMessage } = bundle.inputData as Record<string, unknown>;
      const update = { value: String(value ?? ''), ...(changeMessage ? { changeMessage: String(changeMessage) } : {}) };
      return call(z, () => passmintFor(bundle).updateField(String(serialNumber), String(key), update));
    },
    ...PASS_UPDATED_OUTPUT,
  },
};

const findPass = {
  key: 'find_pass',
  noun: 'Pass',
  display: { label: 'Find Pass by Serial', description: 'Finds a pass by its serial number.' },
  operation: {
    inputFields: [serialField],
    perform: async (z: ZObject, bundle: Bundle) => {
      try {
        const pass = await passmintFor(bundle).getPass(String(bundle.inputData.serialNumber));
        return [{ id: pass.serialNumber, ...pass }];
      } catch (error) {
        if ((error as { code?: string }).code === 'pass_not_found') return [];
        return call(z, () => Promise.reject(error));
      }
    },
    sample: {
      id: PASS_SAMPLE.serialNumber,
      serialNumber: PASS_SAMPLE.serialNumber,
      voided: false,
      registeredDevices: 3,
      shareUrl: PASS_SAMPLE.shareUrl,
    },
  },
};

/**
 * The samples of Pass Installed on a server without the events feed: its recent installations,
 * which the app polled for before REST hooks (ids stay stable for Zapier's dedupe).
 */
async function recentInstallations(z: ZObject, bundle: Bundle): Promise<EventItem[]> {
  const { installations } = await call(z, () => passmintFor(bundle).installations(SAMPLE_INSTALLATIONS));
  return installations.map((installation) => ({
    id: installation.id,
    type: 'pass.installed',
    createdAt: installation.installedAt,
    serialNumber: installation.serialNumber,
    platform: installation.wallet,
  }));
}
const SAMPLE_INSTALLATIONS = 3;

/** The Passmint Zapier app definition. */
const App = {
  version: VERSION,
  platformVersion: PLATFORM_VERSION,
  authentication,
  triggers: eventTriggers(recentInstallations),
  searches: { find_pass: findPass },
  creates: { create_pass: createPass, update_pass: updatePass, update_pass_field: updatePassField, void_pass: voidPass },
};

export = App;
