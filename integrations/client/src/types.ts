import type { PassInput, PassUpdateInput } from '@passmint/engine';

export type { PassInput, PassUpdateInput };

export interface PassCreated {
  serialNumber: string;
  googleSaveUrl: string | null;
  /** The signed .pkpass, base64. */
  applePass: string;
  shareUrl: string;
  warnings?: string[];
}

export interface PassUpdated {
  serialNumber: string;
  lastUpdated: string;
  notifiedDevices: number;
  unchanged: boolean;
  warnings?: string[];
}

export interface PassVoided {
  serialNumber: string;
  voided: true;
  lastUpdated: string;
  notifiedDevices: number;
}

export interface PassDetails {
  serialNumber: string;
  createdAt: string;
  lastUpdated: string;
  voided: boolean;
  registeredDevices: number;
  devices: { apple: number; android: number; google: number };
  lastPush: { pending: number; delivered: number; failed: number; lastAttemptAt: string | null; lastError: string | null };
  views: number;
  shareUrl: string;
  /** Null until the pass is on Google Wallet; `warnings` then says why. */
  googleSaveUrl: string | null;
  passUrl: string;
  body: PassUpdateInput;
  warnings?: string[];
}

export interface Usage {
  month: string;
  used: number;
  limit: number | null;
  remaining: number | null;
  resetsAt: string;
}

export interface ValidationReport {
  valid: boolean;
  errors: number;
  warnings: number;
  problems: { severity: 'error' | 'warning'; code: string; message: string; file?: string; path?: string }[];
}

export interface PassPreview {
  passJson: Record<string, unknown>;
  googleObject: Record<string, unknown>;
  warnings: string[];
}

export interface Installation {
  id: string;
  serialNumber: string;
  wallet: 'apple' | 'android' | 'google';
  installedAt: string;
}
