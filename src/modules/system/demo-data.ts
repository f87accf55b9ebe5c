/**
 * Demonstration data: fictitious but realistic constituents of a national CERT (names, sectors, categories,
 * domains under the reserved `.example` suffix, documentation IP ranges) and the people who use Ribat.
 */
import type { StaffRole } from '#src/core/access';

export interface DemoOrganisation {
  acronym: string;
  fr: string;
  ar: string;
  en: string;
  category: 'administration' | 'vital-infrastructure' | 'private-company' | 'other';
  sector: string;
  domain: string;
  ranges: string[];
  officer: { name: string; phone: string };
}

export const demoOrganisations: readonly DemoOrganisation[] = [
  { acronym: 'MTN-DEMO', fr: 'Ministère de la Transition Numérique (démo)', ar: 'وزارة الانتقال الرقمي (تجريبي)', en: 'Ministry of Digital Transition (demo)', category: 'administration', sector: 'public-administration', domain: 'mtn.example', ranges: ['192.0.2.0/26', '2001:db8:10::/48'], officer: { name: 'Salma Bennani', phone: '0537000101' } },
  { acronym: 'ONEP-DEMO', fr: "Office National de l'Énergie et de l'Eau (démo)", ar: 'المكتب الوطني للطاقة والماء (تجريبي)', en: 'National Energy and Water Office (demo)', category: 'vital-infrastructure', sector: 'energy', domain: 'onep.example', ranges: ['198.51.100.0/25', '2001:db8:20::/48'], officer: { name: 'Youssef El Amrani', phone: '0522000202' } },
  { acronym: 'RDE-DEMO', fr: 'Régie de Distribution des Eaux de Tanger (démo)', ar: 'وكالة توزيع الماء بطنجة (تجريبي)', en: 'Tangier Water Distribution Authority (demo)', category: 'vital-infrastructure', sector: 'water', domain: 'rde-tanger.example', ranges: ['198.51.100.128/26'], officer: { name: 'Nadia Tazi', phone: '0539000303' } },
  { acronym: 'CHU-DEMO', fr: 'Centre Hospitalier Universitaire de Fès (démo)', ar: 'المركز الاستشفائي الجامعي بفاس (تجريبي)', en: 'Fez University Hospital (demo)', category: 'vital-infrastructure', sector: 'health', domain: 'chu-fes.example', ranges: ['203.0.113.0/27'], officer: { name: 'Karim Alaoui', phone: '0535000404' } },
  { acronym: 'BMA-DEMO', fr: 'Banque Marocaine de l’Atlas (démo)', ar: 'بنك الأطلس المغربي (تجريبي)', en: 'Atlas Moroccan Bank (demo)', category: 'vital-infrastructure', sector: 'banking-finance', domain: 'bma.example', ranges: ['203.0.113.32/27', '2001:db8:40::/44'], officer: { name: 'Imane Chraibi', phone: '0522000505' } },
  { acronym: 'TLM-DEMO', fr: 'Télécom du Maghreb (démo)', ar: 'اتصالات المغرب العربي (تجريبي)', en: 'Maghreb Telecom (demo)', category: 'vital-infrastructure', sector: 'telecommunications', domain: 'tlm.example', ranges: ['203.0.113.64/26', '2001:db8:50::/40'], officer: { name: 'Omar Berrada', phone: '0537000606' } },
  { acronym: 'APN-DEMO', fr: 'Autorité Portuaire du Nord (démo)', ar: 'سلطة موانئ الشمال (تجريبي)', en: 'Northern Ports Authority (demo)', category: 'vital-infrastructure', sector: 'transport', domain: 'apn.example', ranges: ['192.0.2.64/27'], officer: { name: 'Hind Lahlou', phone: '0539000707' } },
  { acronym: 'UMS-DEMO', fr: 'Université Mohammed-Saïd de Rabat (démo)', ar: 'جامعة محمد السعيد بالرباط (تجريبي)', en: 'Mohammed Said University, Rabat (demo)', category: 'administration', sector: 'education-research', domain: 'ums.example', ranges: ['192.0.2.96/27'], officer: { name: 'Rachid Fassi', phone: '0537000808' } },
  { acronym: 'CPE-DEMO', fr: 'Caisse de Prévoyance des Employés (démo)', ar: 'صندوق احتياط المستخدمين (تجريبي)', en: 'Employees’ Provident Fund (demo)', category: 'administration', sector: 'insurance', domain: 'cpe.example', ranges: ['192.0.2.128/27'], officer: { name: 'Meryem Idrissi', phone: '0522000909' } },
  { acronym: 'AGRO-DEMO', fr: 'Coopérative Agro-Souss (démo)', ar: 'تعاونية أكرو سوس (تجريبي)', en: 'Agro-Souss Cooperative (demo)', category: 'private-company', sector: 'agriculture-food', domain: 'agrosouss.example', ranges: ['198.51.100.192/28'], officer: { name: 'Hamza Ouazzani', phone: '0528001010' } },
  { acronym: 'NXS-DEMO', fr: 'NexaSoft Casablanca (démo)', ar: 'نيكساسوفت الدار البيضاء (تجريبي)', en: 'NexaSoft Casablanca (demo)', category: 'private-company', sector: 'digital-services', domain: 'nexasoft.example', ranges: ['198.51.100.208/28', '2001:db8:b0::/48'], officer: { name: 'Sara Kettani', phone: '0522001111' } },
  { acronym: 'RTV-DEMO', fr: 'Radio-Télévision de l’Oriental (démo)', ar: 'إذاعة وتلفزة الشرق (تجريبي)', en: 'Oriental Radio and Television (demo)', category: 'other', sector: 'media', domain: 'rtv-oriental.example', ranges: ['198.51.100.224/28'], officer: { name: 'Adil Benjelloun', phone: '0536001212' } },
];

export interface DemoStaff {
  email: string;
  name: string;
  roles: StaffRole[];
  locale: 'fr' | 'ar' | 'en';
}

export const demoStaff: readonly DemoStaff[] = [
  { email: 'coordination@cert.example', name: 'Leïla Mansouri', roles: ['coordinator'], locale: 'fr' },
  { email: 'analyste1@cert.example', name: 'Mehdi Zniber', roles: ['analyst'], locale: 'fr' },
  { email: 'analyste2@cert.example', name: 'Fatima-Zahra Amrani', roles: ['analyst'], locale: 'ar' },
  { email: 'analyst3@cert.example', name: 'Anas Belkadi', roles: ['analyst', 'reviewer'], locale: 'en' },
  { email: 'redaction@cert.example', name: 'Khadija Sebti', roles: ['author'], locale: 'fr' },
  { email: 'relecture@cert.example', name: 'Yassine Haddad', roles: ['reviewer', 'author'], locale: 'fr' },
  { email: 'direction@cert.example', name: 'Nadia El Fassi', roles: ['director'], locale: 'fr' },
];
