/**
 * Criticality levels of bulletins, most severe first (the position orders them: a lower position is more
 * critical, which "minimum criticality" filters rely on). Admins can rename them or add levels.
 */
export const criticalitySeed: readonly { code: string; fr: string; ar: string; en: string }[] = [
  { code: 'critical', fr: 'Critique', ar: 'حرج', en: 'Critical' },
  { code: 'high', fr: 'Élevé', ar: 'مرتفع', en: 'High' },
  { code: 'moderate', fr: 'Modéré', ar: 'متوسط', en: 'Moderate' },
  { code: 'low', fr: 'Faible', ar: 'منخفض', en: 'Low' },
];

/** The consequences ("Risques") of vulnerabilities, CERT-FR's controlled list, most frequent first. */
export const riskSeed: readonly { code: string; fr: string; ar: string; en: string }[] = [
  { code: 'confidentiality', fr: 'Atteinte à la confidentialité des données', ar: 'المساس بسرية البيانات', en: 'Breach of data confidentiality' },
  { code: 'security-bypass', fr: 'Contournement de la politique de sécurité', ar: 'تجاوز السياسة الأمنية', en: 'Security policy bypass' },
  { code: 'remote-dos', fr: 'Déni de service à distance', ar: 'حجب الخدمة عن بعد', en: 'Remote denial of service' },
  { code: 'unspecified', fr: "Non spécifié par l'éditeur", ar: 'غير محدد من طرف المورد', en: 'Not specified by the vendor' },
  { code: 'remote-code-execution', fr: 'Exécution de code arbitraire à distance', ar: 'تنفيذ تعليمات برمجية عشوائية عن بعد', en: 'Remote arbitrary code execution' },
  { code: 'privilege-escalation', fr: 'Élévation de privilèges', ar: 'رفع الصلاحيات', en: 'Privilege escalation' },
  { code: 'integrity', fr: 'Atteinte à l\'intégrité des données', ar: 'المساس بسلامة البيانات', en: 'Breach of data integrity' },
  { code: 'xss', fr: 'Injection de code indirecte à distance (XSS)', ar: 'حقن تعليمات برمجية غير مباشر عن بعد (XSS)', en: 'Remote cross-site scripting (XSS)' },
  { code: 'dos', fr: 'Déni de service', ar: 'حجب الخدمة', en: 'Denial of service' },
  { code: 'code-execution', fr: 'Exécution de code arbitraire', ar: 'تنفيذ تعليمات برمجية عشوائية', en: 'Arbitrary code execution' },
  { code: 'csrf', fr: 'Injection de requêtes illégitimes par rebond (CSRF)', ar: 'تزوير الطلبات عبر المواقع (CSRF)', en: 'Cross-site request forgery (CSRF)' },
  { code: 'ssrf', fr: 'Falsification de requêtes côté serveur (SSRF)', ar: 'تزوير الطلبات من جهة الخادم (SSRF)', en: 'Server-side request forgery (SSRF)' },
  { code: 'sqli', fr: 'Injection SQL (SQLi)', ar: 'حقن SQL', en: 'SQL injection (SQLi)' },
  { code: 'spoofing', fr: "Usurpation d'identité", ar: 'انتحال الهوية', en: 'Identity spoofing' },
  { code: 'security-feature-bypass', fr: 'Contournement de la fonctionnalité de sécurité', ar: 'تجاوز وظيفة الأمان', en: 'Security feature bypass' },
];
