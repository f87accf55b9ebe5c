/** A seeded vocabulary term with its three labels. */
type SeedTerm = { code: string; fr: string; ar: string; en: string };

/**
 * The classes of the Reference Security Incident Taxonomy (ENISA/TF-CSIRT RSIT, CC0), in the taxonomy's order.
 * Codes are the taxonomy's machine tags (`rsit:<class>="<type>"`); labels are never used in exports.
 */
export const rsitClassSeed: readonly SeedTerm[] = [
  { code: 'abusive-content', fr: 'Contenu abusif', ar: 'محتوى مسيء', en: 'Abusive content' },
  { code: 'malicious-code', fr: 'Code malveillant', ar: 'شيفرة خبيثة', en: 'Malicious code' },
  { code: 'information-gathering', fr: "Collecte d'informations", ar: 'جمع المعلومات', en: 'Information gathering' },
  { code: 'intrusion-attempts', fr: "Tentatives d'intrusion", ar: 'محاولات الاختراق', en: 'Intrusion attempts' },
  { code: 'intrusions', fr: 'Intrusions', ar: 'اختراقات', en: 'Intrusions' },
  { code: 'availability', fr: 'Disponibilité', ar: 'التوفر', en: 'Availability' },
  { code: 'information-content-security', fr: "Sécurité de l'information", ar: 'أمن محتوى المعلومات', en: 'Information content security' },
  { code: 'fraud', fr: 'Fraude', ar: 'احتيال', en: 'Fraud' },
  { code: 'vulnerable', fr: 'Vulnérable', ar: 'قابل للاختراق', en: 'Vulnerable' },
  { code: 'other', fr: 'Autre', ar: 'أخرى', en: 'Other' },
  { code: 'test', fr: 'Test', ar: 'اختبار', en: 'Test' },
];

/** The RSIT types, coded `<class>.<type>` so that each belongs to its class (admins add types the same way). */
export const rsitTypeSeed: readonly SeedTerm[] = [
  { code: 'abusive-content.spam', fr: 'Spam', ar: 'رسائل مزعجة', en: 'Spam' },
  { code: 'abusive-content.harmful-speech', fr: 'Discours haineux', ar: 'خطاب مؤذ', en: 'Harmful speech' },
  { code: 'abusive-content.violence', fr: 'Violence', ar: 'عنف', en: 'Violence' },
  { code: 'malicious-code.infected-system', fr: 'Système infecté', ar: 'نظام مصاب', en: 'Infected system' },
  { code: 'malicious-code.c2-server', fr: 'Serveur de commande et contrôle', ar: 'خادم قيادة وتحكم', en: 'C2 server' },
  { code: 'malicious-code.malware-distribution', fr: 'Distribution de logiciel malveillant', ar: 'توزيع برمجيات خبيثة', en: 'Malware distribution' },
  { code: 'malicious-code.malware-configuration', fr: 'Configuration de logiciel malveillant', ar: 'إعدادات برمجية خبيثة', en: 'Malware configuration' },
  { code: 'information-gathering.scanner', fr: 'Balayage', ar: 'مسح', en: 'Scanning' },
  { code: 'information-gathering.sniffing', fr: 'Écoute du trafic', ar: 'تنصت على الشبكة', en: 'Sniffing' },
  { code: 'information-gathering.social-engineering', fr: 'Ingénierie sociale', ar: 'هندسة اجتماعية', en: 'Social engineering' },
  { code: 'intrusion-attempts.ids-alert', fr: "Alerte d'IDS", ar: 'تنبيه نظام كشف التسلل', en: 'IDS alert' },
  { code: 'intrusion-attempts.brute-force', fr: 'Force brute', ar: 'القوة الغاشمة', en: 'Brute force' },
  { code: 'intrusion-attempts.exploit', fr: 'Exploitation de vulnérabilité', ar: 'استغلال ثغرة', en: 'Exploit' },
  { code: 'intrusions.privileged-account-compromise', fr: 'Compromission de compte à privilèges', ar: 'اختراق حساب ذي صلاحيات', en: 'Privileged account compromise' },
  { code: 'intrusions.unprivileged-account-compromise', fr: 'Compromission de compte sans privilèges', ar: 'اختراق حساب عادي', en: 'Unprivileged account compromise' },
  { code: 'intrusions.application-compromise', fr: "Compromission d'application", ar: 'اختراق تطبيق', en: 'Application compromise' },
  { code: 'intrusions.system-compromise', fr: 'Compromission de système', ar: 'اختراق نظام', en: 'System compromise' },
  { code: 'intrusions.burglary', fr: 'Intrusion physique', ar: 'اقتحام مادي', en: 'Burglary' },
  { code: 'availability.dos', fr: 'Déni de service', ar: 'حجب الخدمة', en: 'Denial of service' },
  { code: 'availability.ddos', fr: 'Déni de service distribué', ar: 'حجب الخدمة الموزع', en: 'Distributed denial of service' },
  { code: 'availability.misconfiguration', fr: 'Mauvaise configuration', ar: 'إعداد خاطئ', en: 'Misconfiguration' },
  { code: 'availability.sabotage', fr: 'Sabotage', ar: 'تخريب', en: 'Sabotage' },
  { code: 'availability.outage', fr: 'Panne', ar: 'انقطاع', en: 'Outage' },
  { code: 'information-content-security.unauthorised-information-access', fr: "Accès non autorisé à l'information", ar: 'ولوج غير مرخص إلى المعلومات', en: 'Unauthorised information access' },
  { code: 'information-content-security.unauthorised-information-modification', fr: "Modification non autorisée de l'information", ar: 'تعديل غير مرخص للمعلومات', en: 'Unauthorised information modification' },
  { code: 'information-content-security.data-loss', fr: 'Perte de données', ar: 'فقدان البيانات', en: 'Data loss' },
  { code: 'information-content-security.data-leak', fr: 'Fuite de données', ar: 'تسريب البيانات', en: 'Data leak' },
  { code: 'fraud.unauthorised-use-of-resources', fr: 'Utilisation non autorisée de ressources', ar: 'استعمال غير مرخص للموارد', en: 'Unauthorised use of resources' },
  { code: 'fraud.copyright', fr: "Atteinte au droit d'auteur", ar: 'المساس بحقوق المؤلف', en: 'Copyright' },
  { code: 'fraud.masquerade', fr: "Usurpation d'identité", ar: 'انتحال الصفة', en: 'Masquerade' },
  { code: 'fraud.phishing', fr: 'Hameçonnage', ar: 'تصيد احتيالي', en: 'Phishing' },
  { code: 'vulnerable.weak-crypto', fr: 'Cryptographie faible', ar: 'تشفير ضعيف', en: 'Weak cryptography' },
  { code: 'vulnerable.ddos-amplifier', fr: "Amplificateur de DDoS", ar: 'مضخم هجمات حجب الخدمة', en: 'DDoS amplifier' },
  { code: 'vulnerable.potentially-unwanted-accessible', fr: 'Service exposé indésirable', ar: 'خدمة مكشوفة غير مرغوبة', en: 'Potentially unwanted accessible service' },
  { code: 'vulnerable.information-disclosure', fr: "Divulgation d'informations", ar: 'إفشاء المعلومات', en: 'Information disclosure' },
  { code: 'vulnerable.vulnerable-system', fr: 'Système vulnérable', ar: 'نظام به ثغرات', en: 'Vulnerable system' },
  { code: 'other.other', fr: 'Autre', ar: 'أخرى', en: 'Other' },
  { code: 'other.undetermined', fr: 'Indéterminé', ar: 'غير محدد', en: 'Undetermined' },
  { code: 'test.test', fr: 'Test', ar: 'اختبار', en: 'Test' },
];

/**
 * Incident severity (impact), most severe first, after the scale reported for the Moroccan decree on cybersecurity.
 * Kept apart from priority (queueing) and from the disposition at closing.
 */
export const incidentSeveritySeed: readonly SeedTerm[] = [
  { code: 'tres-grave', fr: 'Très grave', ar: 'بالغ الخطورة', en: 'Very serious' },
  { code: 'grave', fr: 'Grave', ar: 'خطير', en: 'Serious' },
  { code: 'modere', fr: 'Modéré', ar: 'متوسط', en: 'Moderate' },
  { code: 'limite', fr: 'Limité', ar: 'محدود', en: 'Limited' },
];

/**
 * Dispositions at closing. `duplicate`, `test` and `out-of-scope` do not count as treated incidents in the
 * statistics; `false-positive` is treated (the CERT did the work) but is not a confirmed incident.
 */
export const incidentDispositionSeed: readonly SeedTerm[] = [
  { code: 'confirmed', fr: 'Incident confirmé', ar: 'حادث مؤكد', en: 'Confirmed incident' },
  { code: 'false-positive', fr: 'Faux positif', ar: 'إنذار كاذب', en: 'False positive' },
  { code: 'duplicate', fr: 'Doublon', ar: 'مكرر', en: 'Duplicate' },
  { code: 'out-of-scope', fr: 'Hors périmètre', ar: 'خارج النطاق', en: 'Out of scope' },
  { code: 'test', fr: 'Test', ar: 'اختبار', en: 'Test' },
  { code: 'no-response', fr: 'Sans réponse du déclarant', ar: 'دون رد من المبلِّغ', en: 'No response from the reporter' },
];
