/** Sectors of activity seeded at first start; admins can add, rename or retire them. */
export const sectorSeed: readonly { code: string; fr: string; ar: string; en: string }[] = [
  { code: 'public-administration', fr: 'Administration publique', ar: 'الإدارة العمومية', en: 'Public administration' },
  { code: 'energy', fr: 'Énergie', ar: 'الطاقة', en: 'Energy' },
  { code: 'water', fr: 'Eau et assainissement', ar: 'الماء والتطهير', en: 'Water and sanitation' },
  { code: 'health', fr: 'Santé', ar: 'الصحة', en: 'Health' },
  { code: 'banking-finance', fr: 'Banque et finance', ar: 'الأبناك والمالية', en: 'Banking and finance' },
  { code: 'insurance', fr: 'Assurance', ar: 'التأمين', en: 'Insurance' },
  { code: 'telecommunications', fr: 'Télécommunications', ar: 'الاتصالات', en: 'Telecommunications' },
  { code: 'transport', fr: 'Transport et logistique', ar: 'النقل واللوجستيك', en: 'Transport and logistics' },
  { code: 'digital-services', fr: 'Services numériques', ar: 'الخدمات الرقمية', en: 'Digital services' },
  { code: 'manufacturing', fr: 'Industrie', ar: 'الصناعة', en: 'Manufacturing' },
  { code: 'agriculture-food', fr: 'Agriculture et alimentation', ar: 'الفلاحة والتغذية', en: 'Agriculture and food' },
  { code: 'education-research', fr: 'Enseignement et recherche', ar: 'التعليم والبحث العلمي', en: 'Education and research' },
  { code: 'defence-security', fr: 'Défense et sécurité', ar: 'الدفاع والأمن', en: 'Defence and security' },
  { code: 'media', fr: 'Médias', ar: 'الإعلام', en: 'Media' },
  { code: 'other', fr: 'Autre', ar: 'أخرى', en: 'Other' },
];
