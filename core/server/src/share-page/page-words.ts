/** The share page's own words (not the pass's texts), in the languages most visitors read. */
export interface PageWords {
  addToAppleWallet: string;
  saveToGoogleWallet: string;
  scanToAdd: string;
  voided: string;
  expired: string;
  passLabel: (organization: string) => string;
  logoAlt: (organization: string) => string;
  notFoundTitle: string;
  notFound: string;
}

export const PAGE_WORDS = {
  en: {
    addToAppleWallet: 'Add to Apple Wallet',
    saveToGoogleWallet: 'Save to Google Wallet',
    scanToAdd: 'Scan with your phone to add this pass.',
    voided: 'This pass is no longer valid.',
    expired: 'This pass has expired.',
    passLabel: (organization) => `${organization} pass`,
    logoAlt: (organization) => `${organization} logo`,
    notFoundTitle: 'Pass not found',
    notFound: 'This pass does not exist, or the link is incomplete.',
  },
  de: {
    addToAppleWallet: 'Zu Apple Wallet hinzufügen',
    saveToGoogleWallet: 'In Google Wallet speichern',
    scanToAdd: 'Mit dem Smartphone scannen, um diesen Pass hinzuzufügen.',
    voided: 'Dieser Pass ist nicht mehr gültig.',
    expired: 'Dieser Pass ist abgelaufen.',
    passLabel: (organization) => `Pass von ${organization}`,
    logoAlt: (organization) => `Logo von ${organization}`,
    notFoundTitle: 'Pass nicht gefunden',
    notFound: 'Diesen Pass gibt es nicht, oder der Link ist unvollständig.',
  },
  fr: {
    addToAppleWallet: 'Ajouter à Apple Wallet',
    saveToGoogleWallet: 'Enregistrer dans Google Wallet',
    scanToAdd: 'Scannez avec votre téléphone pour ajouter ce pass.',
    voided: "Ce pass n'est plus valide.",
    expired: 'Ce pass a expiré.',
    passLabel: (organization) => `Pass ${organization}`,
    logoAlt: (organization) => `Logo ${organization}`,
    notFoundTitle: 'Pass introuvable',
    notFound: "Ce pass n'existe pas, ou le lien est incomplet.",
  },
  es: {
    addToAppleWallet: 'Añadir a Apple Wallet',
    saveToGoogleWallet: 'Guardar en Google Wallet',
    scanToAdd: 'Escanea con tu teléfono para añadir este pase.',
    voided: 'Este pase ya no es válido.',
    expired: 'Este pase ha caducado.',
    passLabel: (organization) => `Pase de ${organization}`,
    logoAlt: (organization) => `Logotipo de ${organization}`,
    notFoundTitle: 'Pase no encontrado',
    notFound: 'Este pase no existe o el enlace está incompleto.',
  },
  it: {
    addToAppleWallet: 'Aggiungi a Apple Wallet',
    saveToGoogleWallet: 'Salva in Google Wallet',
    scanToAdd: 'Inquadra con il telefono per aggiungere questo pass.',
    voided: 'Questo pass non è più valido.',
    expired: 'Questo pass è scaduto.',
    passLabel: (organization) => `Pass ${organization}`,
    logoAlt: (organization) => `Logo ${organization}`,
    notFoundTitle: 'Pass non trovato',
    notFound: 'Questo pass non esiste oppure il link è incompleto.',
  },
  pt: {
    addToAppleWallet: 'Adicionar à Apple Wallet',
    saveToGoogleWallet: 'Salvar na Carteira do Google',
    scanToAdd: 'Escaneie com o celular para adicionar este passe.',
    voided: 'Este passe não é mais válido.',
    expired: 'Este passe expirou.',
    passLabel: (organization) => `Passe de ${organization}`,
    logoAlt: (organization) => `Logotipo de ${organization}`,
    notFoundTitle: 'Passe não encontrado',
    notFound: 'Este passe não existe ou o link está incompleto.',
  },
  nl: {
    addToAppleWallet: 'Voeg toe aan Apple Wallet',
    saveToGoogleWallet: 'Opslaan in Google Wallet',
    scanToAdd: 'Scan met je telefoon om deze pas toe te voegen.',
    voided: 'Deze pas is niet meer geldig.',
    expired: 'Deze pas is verlopen.',
    passLabel: (organization) => `Pas van ${organization}`,
    logoAlt: (organization) => `Logo van ${organization}`,
    notFoundTitle: 'Pas niet gevonden',
    notFound: 'Deze pas bestaat niet, of de link is onvolledig.',
  },
} satisfies Record<string, PageWords>;

export type PageLanguage = keyof typeof PAGE_WORDS;

/** English first: it is what a visitor gets when none of their languages is here. */
export const PAGE_LANGUAGES = Object.keys(PAGE_WORDS) as PageLanguage[];

/** The words for a language tag by its primary language (`pt-BR` → pt), else English. */
export function pageLanguageOf(tag: string | undefined): PageLanguage {
  const primary = tag?.split('-')[0]?.toLowerCase();
  return PAGE_LANGUAGES.find((language) => language === primary) ?? 'en';
}
