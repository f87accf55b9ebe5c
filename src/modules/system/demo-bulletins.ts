import type { BulletinCve, BulletinIndicator, BulletinKind, BulletinLanguage, BulletinText, Tlp } from '#src/modules/bulletins/bulletins.types';

/**
 * Demonstration bulletins about real, widely documented vulnerabilities (public CVE identifiers, vendors, fixed
 * versions and CVSS vectors as their vendors published them), written in our own words for `ribat demo`. The last
 * one, a threat note, uses documentation addresses (RFC 5737, RFC 2606) and made-up hashes: it is an example.
 */
export interface DemoBulletin {
  key: string;
  kind: BulletinKind;
  /** Publication date (UTC). */
  date: string;
  criticality: 'critical' | 'high' | 'moderate' | 'low';
  risks: string[];
  tlp: Tlp;
  /** French for the built-in set; English for bulletins built from the KEV catalogue. */
  originalLanguage?: BulletinLanguage;
  texts: Partial<Record<BulletinLanguage, BulletinText>>;
  affected: { vendor: string; product: string; versions: string; cpe?: string }[];
  cves: BulletinCve[];
  references: { title: string; url: string }[];
  indicators?: BulletinIndicator[];
}

const t = (title: string, summary: string, description: string, solution: string, workarounds = ''): BulletinText => ({ title, summary, description, solution, workarounds });
const cve = (id: string, cvss31: string | null, cwe: string | null, exploited: boolean): BulletinCve => ({ id, cvss31, cvss40: null, cwe, exploited });

/** The demonstration bulletins, oldest first. */
export const demoBulletins: readonly DemoBulletin[] = [
  {
    key: 'log4shell',
    kind: 'alert',
    date: '2021-12-10T09:00:00Z',
    criticality: 'critical',
    risks: ['remote-code-execution'],
    tlp: 'clear',
    texts: {
      fr: t(
        'Vulnérabilité critique dans Apache Log4j (Log4Shell)',
        "Une vulnérabilité activement exploitée dans la bibliothèque de journalisation Apache Log4j 2 permet à un attaquant non authentifié d'exécuter du code arbitraire à distance.",
        "La fonctionnalité de recherche JNDI de **Log4j 2** interprète les chaînes journalisées. Un attaquant qui parvient à faire journaliser une chaîne de la forme `${jndi:ldap://…}` (en-tête HTTP, champ de formulaire, nom d'utilisateur) peut faire charger et exécuter du code distant par l'application.\n\nDe très nombreux produits embarquent Log4j : inventoriez vos applications Java, y compris les produits tiers.",
        'Mettre à jour Log4j vers la version 2.17.1 ou ultérieure (2.12.4 pour Java 7, 2.3.2 pour Java 6).',
        'En attendant la mise à jour, supprimer la classe `JndiLookup` du classpath.',
      ),
      en: t(
        'Critical vulnerability in Apache Log4j (Log4Shell)',
        'An actively exploited vulnerability in the Apache Log4j 2 logging library lets an unauthenticated attacker run arbitrary code remotely.',
        "Log4j 2's JNDI lookup feature interprets logged strings. An attacker who gets a string such as `${jndi:ldap://…}` logged (HTTP header, form field, user name) can make the application load and run remote code.\n\nMany products embed Log4j: inventory your Java applications, third-party products included.",
        'Update Log4j to 2.17.1 or later (2.12.4 for Java 7, 2.3.2 for Java 6).',
        'Until updated, remove the `JndiLookup` class from the classpath.',
      ),
      ar: t(
        'ثغرة حرجة في Apache Log4j (Log4Shell)',
        'ثغرة مستغلة بنشاط في مكتبة التسجيل Apache Log4j 2 تتيح لمهاجم غير مصادق تنفيذ تعليمات برمجية عشوائية عن بعد.',
        'تفسّر خاصية البحث JNDI في **Log4j 2** السلاسل النصية المسجلة. يمكن لمهاجم ينجح في تسجيل سلسلة من نوع `${jndi:ldap://…}` أن يجعل التطبيق يحمّل وينفذ تعليمات برمجية عن بعد.',
        'تحديث Log4j إلى الإصدار 2.17.1 أو أحدث.',
      ),
    },
    affected: [{ vendor: 'Apache', product: 'Log4j', versions: '2.0-beta9 to 2.14.1', cpe: 'cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*' }],
    cves: [cve('CVE-2021-44228', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 'CWE-502', true)],
    references: [{ title: 'Apache Log4j Security Vulnerabilities', url: 'https://logging.apache.org/log4j/2.x/security.html' }],
  },
  {
    key: 'moveit',
    kind: 'bulletin',
    date: '2023-06-01T10:00:00Z',
    criticality: 'critical',
    risks: ['sqli', 'confidentiality', 'remote-code-execution'],
    tlp: 'clear',
    texts: {
      fr: t(
        'Injection SQL dans Progress MOVEit Transfer',
        "Une injection SQL dans l'interface web de MOVEit Transfer permet à un attaquant non authentifié d'accéder à la base de données et d'exécuter du code. Elle est exploitée pour voler des données.",
        "L'application web de **MOVEit Transfer** ne filtre pas correctement certaines entrées. Un attaquant non authentifié peut injecter du SQL, lire et modifier la base de données, puis déposer un webshell.\n\nDes vols de données massifs ont été revendiqués par un groupe de rançongiciel.",
        "Appliquer les correctifs de l'éditeur (2021.0.6, 2021.1.4, 2022.0.4, 2022.1.5, 2023.0.1 ou ultérieures).",
        "Bloquer le trafic HTTP et HTTPS vers l'application jusqu'à l'application du correctif, puis rechercher des fichiers inconnus dans le répertoire wwwroot.",
      ),
      en: t(
        'SQL injection in Progress MOVEit Transfer',
        "An SQL injection in MOVEit Transfer's web interface lets an unauthenticated attacker reach the database and run code. It is exploited to steal data.",
        "**MOVEit Transfer**'s web application does not filter some inputs correctly. An unauthenticated attacker can inject SQL, read and change the database, then drop a web shell.",
        "Apply the vendor's fixes (2021.0.6, 2021.1.4, 2022.0.4, 2022.1.5, 2023.0.1 or later).",
      ),
    },
    affected: [{ vendor: 'Progress', product: 'MOVEit Transfer', versions: '< 2021.0.6, 2021.1.0 to 2021.1.3, 2022.0.0 to 2022.0.3, 2022.1.0 to 2022.1.4, 2023.0.0' }],
    cves: [cve('CVE-2023-34362', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CWE-89', true)],
    references: [{ title: 'MOVEit Transfer Critical Vulnerability (May 2023)', url: 'https://community.progress.com/s/article/MOVEit-Transfer-Critical-Vulnerability-31May2023' }],
  },
  {
    key: 'http2-rapid-reset',
    kind: 'bulletin',
    date: '2023-10-11T08:30:00Z',
    criticality: 'high',
    risks: ['remote-dos'],
    tlp: 'clear',
    texts: {
      fr: t(
        'Déni de service HTTP/2 « Rapid Reset » dans de nombreux serveurs',
        "Un défaut du protocole HTTP/2 permet à un client d'épuiser les ressources d'un serveur en ouvrant et annulant des flux en rafale.",
        "En envoyant des requêtes suivies immédiatement d'une annulation (trame `RST_STREAM`), un client contourne la limite de flux simultanés et impose au serveur un travail considérable. Des attaques record ont été observées.",
        'Appliquer les mises à jour de vos serveurs web, proxys et répartiteurs de charge (nginx 1.25.3, Apache httpd 2.4.58, etc.).',
        'Limiter le nombre de flux annulés par connexion ou désactiver HTTP/2 si ce n\'est pas possible.',
      ),
      en: t(
        'HTTP/2 "Rapid Reset" denial of service in many servers',
        'A flaw in the HTTP/2 protocol lets a client exhaust a server by opening and cancelling streams in bursts.',
        'By sending requests immediately followed by a cancellation (`RST_STREAM` frame), a client bypasses the concurrent stream limit and forces a large amount of work on the server.',
        'Update your web servers, proxies and load balancers (nginx 1.25.3, Apache httpd 2.4.58, etc.).',
      ),
    },
    affected: [
      { vendor: 'F5', product: 'nginx', versions: '< 1.25.3' },
      { vendor: 'Apache', product: 'HTTP Server', versions: '< 2.4.58' },
    ],
    cves: [cve('CVE-2023-44487', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', 'CWE-400', true)],
    references: [{ title: 'nginx security advisories', url: 'https://nginx.org/en/security_advisories.html' }],
  },
  {
    key: 'citrix-bleed',
    kind: 'bulletin',
    date: '2023-10-11T14:00:00Z',
    criticality: 'critical',
    risks: ['confidentiality', 'security-bypass'],
    tlp: 'clear',
    texts: {
      fr: t(
        'Fuite de mémoire dans Citrix NetScaler ADC et Gateway (Citrix Bleed)',
        'Une lecture hors limites permet de dérober des jetons de session sur les équipements configurés en passerelle, et donc de contourner l\'authentification multifacteur.',
        "Lorsqu'un équipement **NetScaler** est configuré en passerelle (VPN, proxy ICA, RDP) ou en serveur virtuel AAA, une requête forgée renvoie une partie de la mémoire, qui contient des jetons de session valides.",
        'Mettre à jour vers 14.1-8.50, 13.1-49.15, 13.0-92.19 ou ultérieures, puis fermer toutes les sessions actives.',
      ),
      en: t(
        'Memory leak in Citrix NetScaler ADC and Gateway (Citrix Bleed)',
        'An out-of-bounds read leaks session tokens on appliances configured as a gateway, bypassing multi-factor authentication.',
        'When a **NetScaler** appliance is configured as a gateway or AAA virtual server, a crafted request returns part of its memory, including valid session tokens.',
        'Update to 14.1-8.50, 13.1-49.15, 13.0-92.19 or later, then kill every active session.',
      ),
    },
    affected: [
      { vendor: 'Citrix', product: 'NetScaler ADC', versions: '14.1 < 14.1-8.50, 13.1 < 13.1-49.15, 13.0 < 13.0-92.19' },
      { vendor: 'Citrix', product: 'NetScaler Gateway', versions: '14.1 < 14.1-8.50, 13.1 < 13.1-49.15, 13.0 < 13.0-92.19' },
    ],
    cves: [cve('CVE-2023-4966', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:L', 'CWE-119', true)],
    references: [{ title: 'NetScaler ADC and NetScaler Gateway Security Bulletin (CTX579459)', url: 'https://support.citrix.com/article/CTX579459' }],
  },
  {
    key: 'fortios-sslvpn',
    kind: 'bulletin',
    date: '2024-02-09T09:00:00Z',
    criticality: 'critical',
    risks: ['remote-code-execution'],
    tlp: 'clear',
    texts: {
      fr: t(
        'Vulnérabilité critique dans le VPN SSL de Fortinet FortiOS',
        "Une écriture hors limites dans le VPN SSL de FortiOS permet à un attaquant non authentifié d'exécuter du code à distance par des requêtes HTTP forgées.",
        "Le service **VPN SSL** de FortiOS (sslvpnd) contient une écriture hors limites. L'éditeur indique que la vulnérabilité est potentiellement exploitée.",
        'Mettre à jour FortiOS vers 7.4.3, 7.2.7, 7.0.14, 6.4.15, 6.2.16 ou ultérieures.',
        'Désactiver le VPN SSL (la désactivation du mode web seul ne suffit pas).',
      ),
      en: t(
        "Critical vulnerability in Fortinet FortiOS's SSL VPN",
        "An out-of-bounds write in FortiOS's SSL VPN lets an unauthenticated attacker run code remotely through crafted HTTP requests.",
        "FortiOS's **SSL VPN** service (sslvpnd) contains an out-of-bounds write. The vendor says it is potentially exploited in the wild.",
        'Update FortiOS to 7.4.3, 7.2.7, 7.0.14, 6.4.15, 6.2.16 or later.',
      ),
      ar: t(
        'ثغرة حرجة في الشبكة الافتراضية SSL لنظام Fortinet FortiOS',
        'تتيح كتابة خارج الحدود في خدمة SSL VPN لنظام FortiOS لمهاجم غير مصادق تنفيذ تعليمات برمجية عن بعد.',
        'تحتوي خدمة **SSL VPN** في FortiOS على كتابة خارج الحدود، ويشير المورد إلى احتمال استغلالها.',
        'تحديث FortiOS إلى الإصدارات 7.4.3 أو 7.2.7 أو 7.0.14 أو 6.4.15 أو 6.2.16 أو أحدث.',
      ),
    },
    affected: [{ vendor: 'Fortinet', product: 'FortiOS', versions: '7.4.0 to 7.4.2, 7.2.0 to 7.2.6, 7.0.0 to 7.0.13, 6.4.0 to 6.4.14, 6.2.0 to 6.2.15' }],
    cves: [cve('CVE-2024-21762', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CWE-787', true)],
    references: [{ title: 'FG-IR-24-015', url: 'https://www.fortiguard.com/psirt/FG-IR-24-015' }],
  },
  {
    key: 'screenconnect',
    kind: 'alert',
    date: '2024-02-21T11:00:00Z',
    criticality: 'critical',
    risks: ['security-bypass', 'remote-code-execution'],
    tlp: 'clear',
    texts: {
      fr: t(
        'Contournement de l\'authentification dans ConnectWise ScreenConnect, activement exploité',
        "Un contournement d'authentification permet à un attaquant de créer un compte administrateur sur un serveur ScreenConnect exposé, puis d'en prendre le contrôle.",
        "L'assistant d'installation de **ScreenConnect** reste accessible après l'installation. Un attaquant peut le rejouer pour créer un compte administrateur. L'exploitation est massive depuis la publication.",
        'Mettre à jour ScreenConnect vers la version 23.9.8 ou ultérieure.',
      ),
    },
    affected: [{ vendor: 'ConnectWise', product: 'ScreenConnect', versions: '<= 23.9.7' }],
    cves: [cve('CVE-2024-1709', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 'CWE-288', true)],
    references: [{ title: 'ConnectWise ScreenConnect 23.9.8 security fix', url: 'https://www.connectwise.com/company/trust/security-bulletins/connectwise-screenconnect-23.9.8' }],
  },
  {
    key: 'xz-backdoor',
    kind: 'bulletin',
    date: '2024-03-30T08:00:00Z',
    criticality: 'critical',
    risks: ['remote-code-execution', 'security-bypass'],
    tlp: 'clear',
    texts: {
      fr: t(
        'Porte dérobée dans xz-utils (liblzma) 5.6.0 et 5.6.1',
        'Du code malveillant inséré dans les archives de xz-utils 5.6.0 et 5.6.1 peut compromettre l\'authentification SSH sur certaines distributions Linux.',
        "Les archives publiées de **xz-utils** 5.6.0 et 5.6.1 contiennent un code de compilation qui modifie la bibliothèque liblzma. Chargée par sshd sur certaines distributions, elle permet à l'auteur de la porte dérobée d'exécuter des commandes.\n\nLes distributions stables n'étaient en général pas concernées.",
        'Revenir à une version saine (5.4.x) ou appliquer la mise à jour de votre distribution.',
      ),
      en: t(
        'Backdoor in xz-utils (liblzma) 5.6.0 and 5.6.1',
        'Malicious code inserted in the xz-utils 5.6.0 and 5.6.1 tarballs can compromise SSH authentication on some Linux distributions.',
        "The published **xz-utils** 5.6.0 and 5.6.1 tarballs contain build code that modifies liblzma. Loaded by sshd on some distributions, it lets the backdoor's author run commands.",
        "Downgrade to a clean version (5.4.x) or apply your distribution's update.",
      ),
    },
    affected: [{ vendor: 'Tukaani', product: 'xz-utils', versions: '5.6.0, 5.6.1' }],
    cves: [cve('CVE-2024-3094', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 'CWE-506', false)],
    references: [{ title: 'openwall oss-security: backdoor in upstream xz/liblzma', url: 'https://www.openwall.com/lists/oss-security/2024/03/29/4' }],
  },
  {
    key: 'pan-os-globalprotect',
    kind: 'alert',
    date: '2024-04-12T18:00:00Z',
    criticality: 'critical',
    risks: ['remote-code-execution'],
    tlp: 'clear',
    texts: {
      fr: t(
        'Injection de commande dans Palo Alto Networks PAN-OS (GlobalProtect)',
        "Une injection de commande dans la fonctionnalité GlobalProtect de PAN-OS permet à un attaquant non authentifié d'exécuter du code avec les privilèges root sur le pare-feu.",
        "La vulnérabilité touche les pare-feux **PAN-OS** 10.2, 11.0 et 11.1 sur lesquels une passerelle ou un portail GlobalProtect est configuré. Une exploitation limitée a été observée avant la publication.",
        'Appliquer les correctifs 10.2.9-h1, 11.0.4-h1, 11.1.2-h3 ou ultérieurs.',
      ),
      en: t(
        'Command injection in Palo Alto Networks PAN-OS (GlobalProtect)',
        "A command injection in PAN-OS's GlobalProtect feature lets an unauthenticated attacker run code as root on the firewall.",
        'It affects **PAN-OS** 10.2, 11.0 and 11.1 firewalls with a GlobalProtect gateway or portal configured. Limited exploitation was seen before disclosure.',
        'Apply hotfixes 10.2.9-h1, 11.0.4-h1, 11.1.2-h3 or later.',
      ),
    },
    affected: [{ vendor: 'Palo Alto Networks', product: 'PAN-OS', versions: '10.2 < 10.2.9-h1, 11.0 < 11.0.4-h1, 11.1 < 11.1.2-h3' }],
    cves: [cve('CVE-2024-3400', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 'CWE-77', true)],
    references: [{ title: 'CVE-2024-3400 PAN-OS security advisory', url: 'https://security.paloaltonetworks.com/CVE-2024-3400' }],
  },
  {
    key: 'regresshion',
    kind: 'bulletin',
    date: '2024-07-01T09:30:00Z',
    criticality: 'high',
    risks: ['remote-code-execution'],
    tlp: 'clear',
    texts: {
      fr: t(
        'Vulnérabilité dans le serveur OpenSSH (regreSSHion)',
        "Une situation de compétition dans le gestionnaire de signal de sshd permet, dans certaines conditions, l'exécution de code à distance avec les privilèges root.",
        "Une régression réintroduit dans **sshd** une faille corrigée en 2006. L'exploitation demande de nombreuses tentatives et a été démontrée sur des systèmes Linux 32 bits utilisant la glibc.",
        'Mettre à jour OpenSSH vers la version 9.8p1 ou ultérieure.',
        'Positionner `LoginGraceTime 0` dans sshd_config (au prix d\'un risque de déni de service).',
      ),
      en: t(
        'Vulnerability in the OpenSSH server (regreSSHion)',
        "A race condition in sshd's signal handler can, under some conditions, lead to remote code execution as root.",
        'A regression reintroduced in **sshd** a flaw fixed in 2006. Exploitation takes many attempts and was shown on 32-bit glibc Linux systems.',
        'Update OpenSSH to 9.8p1 or later.',
      ),
    },
    affected: [{ vendor: 'OpenBSD', product: 'OpenSSH', versions: '8.5p1 to 9.7p1' }],
    cves: [cve('CVE-2024-6387', 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CWE-364', false)],
    references: [{ title: 'OpenSSH 9.8 release notes', url: 'https://www.openssh.com/txt/release-9.8' }],
  },
  {
    key: 'phishing-note',
    kind: 'note',
    date: '2026-10-20T10:00:00Z',
    criticality: 'moderate',
    risks: ['spoofing', 'confidentiality'],
    tlp: 'clear',
    texts: {
      fr: t(
        "Campagne d'hameçonnage usurpant un service de messagerie (exemple de démonstration)",
        "Note d'information sur une campagne d'hameçonnage visant les agents publics, avec ses indicateurs de compromission. Exemple fictif : les adresses et empreintes sont des valeurs de documentation.",
        "Des courriels imitant la page de connexion d'un service de messagerie invitent à « confirmer le compte ». Le lien mène à une page qui collecte l'identifiant et le mot de passe.\n\nBloquez les indicateurs ci-dessous et sensibilisez les utilisateurs.",
        "Réinitialiser les mots de passe des comptes concernés et activer l'authentification multifacteur.",
      ),
    },
    affected: [],
    cves: [],
    references: [],
    indicators: [
      { type: 'domain', value: 'mail-verification.example', comment: 'page de collecte' },
      { type: 'url', value: 'https://mail-verification.example/login', comment: '' },
      { type: 'ipv4', value: '198.51.100.23', comment: 'hébergement' },
      { type: 'email', value: 'support@mail-verification.example', comment: 'expéditeur' },
      { type: 'sha256', value: '5f2b6a4d9c0e7f1a3b8d2c6e9f0a1b4c7d3e8f2a6b9c0d1e4f7a2b5c8d9e0f1a', comment: 'pièce jointe HTML' },
    ],
  },
];
