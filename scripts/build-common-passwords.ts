/**
 * Builds src/modules/identity/common-passwords.txt from the ranked password list that the MIT-licensed
 * npm package @zxcvbn-ts/language-common ships (src/passwords.json), plus a short list of French,
 * Moroccan and Arabic additions maintained here. The generated file is committed; the package is not a
 * dependency. To regenerate:
 *
 *   npm install --no-save @zxcvbn-ts/language-common@4.1.3
 *   npx tsx scripts/build-common-passwords.ts [--package-dir path/to/node_modules/@zxcvbn-ts/language-common]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { passwordKey } from '#src/modules/identity/password-policy';

const PACKAGE = '@zxcvbn-ts/language-common';
const OUTPUT = new URL('../src/modules/identity/common-passwords.txt', import.meta.url);

/**
 * Entries the upstream list lacks, for the constituency of a Moroccan CERT: French, Moroccan and
 * Arabic words and patterns. Bases suffice: the policy also strips trailing digits and punctuation.
 */
const RIBAT_ADDITIONS: readonly string[] = [
  // French words and phrases
  'motdepasse', 'mot de passe', 'motdepass', 'mdp', 'mdpmdp', 'monmotdepasse', 'nouveaumotdepasse',
  'bonjour', 'bonsoir', 'bienvenue', 'coucou', 'salut', 'soleil', 'soleil123', 'doudou', 'loulou',
  'chouchou', 'bisous', 'jetaime', 'jetaimetoujours', 'jetaimemonamour', 'monamour', 'mon amour',
  'moncoeur', 'mamour', 'mamanpapa', 'mamanjetaime', 'papamaman', 'maman', 'papa', 'famille',
  'mafamille', 'princesse', 'mapuce', 'nounours', 'chocolat', 'vacances', 'maison', 'liberte',
  'libertee', 'france', 'vivelafrance', 'marseille', 'olympiquedemarseille', 'allezlom', 'parisienne',
  'paris', 'parissaintgermain', 'allezparis', 'toulouse', 'bordeaux', 'lyon', 'nantes', 'montpellier',
  'administrateur', 'utilisateur', 'secret', 'tresecret', 'confidentiel', 'changezmoi', 'azerty',
  'azertyuiop', 'azertyuiopqsdfghjklm', 'azertyuiopqsdfghjklmwxcvbn', 'qsdfghjklm', 'wxcvbn', 'azeqsdwxc',
  'azerqsdf', 'azertyqwerty', 'aqwzsxedc', 'aqwzsxedcrfv', '&é"\'(-è_çà)=', '&é"\'(-è_çà', 'jesuis',
  'jesuislameilleure', 'jesuislemeilleur', 'pourquoipas', 'sesameouvretoi', 'bienvenue1',
  // Moroccan places, clubs, names and expressions (Latin transliterations)
  'maroc', 'marocmaroc', 'royaumedumaroc', 'morocco', 'moroccan', 'marocain', 'marocaine', 'almaghrib',
  'lmaghrib', 'elmaghrib', 'maghreb', 'maghrebi', 'casablanca', 'casa', 'casanegra', 'rabat', 'rabatsale',
  'marrakech', 'marrakesh', 'elbahja', 'tanger', 'tangier', 'tanja', 'fes', 'fez', 'meknes', 'agadir',
  'oujda', 'tetouan', 'kenitra', 'nador', 'safi', 'eljadida', 'elhoceima', 'laayoune', 'dakhla',
  'ouarzazate', 'essaouira', 'settat', 'khouribga', 'beniMellal', 'taza', 'ifrane', 'chefchaouen',
  'atlas', 'lionsdelatlas', 'lionsatlas', 'dimamaghrib', 'dimaraja', 'rajawi', 'raja', 'rajacasablanca',
  'wydad', 'wydadi', 'dimawydad', 'wac', 'far', 'farrabat', 'hassania', 'irt', 'mas', 'maghrebfes',
  'sahara', 'saharamarocain', 'marche verte', 'marcheverte', 'mohammed6', 'mohammedvi', 'hassan2',
  'mohammed', 'mohamed', 'mouhamed', 'mohamad', 'ahmed', 'ahmad', 'youssef', 'yousef', 'hamza', 'mehdi',
  'amine', 'yassine', 'ayoub', 'omar', 'othmane', 'anas', 'ismail', 'ilyas', 'zakaria', 'hicham',
  'rachid', 'said', 'abdelkader', 'abdellah', 'abdelilah', 'khalid', 'karim', 'nabil', 'soufiane',
  'reda', 'adil', 'hassan', 'hussein', 'ali', 'brahim', 'driss', 'mustapha', 'noureddine',
  'fatima', 'fatimazahra', 'fatimaezzahra', 'fatiha', 'khadija', 'zineb', 'zainab', 'salma', 'imane',
  'iman', 'hajar', 'meryem', 'maryam', 'mariam', 'soukaina', 'oumaima', 'houda', 'nadia', 'naima',
  'latifa', 'samira', 'hanane', 'asmae', 'asmaa', 'sara', 'sanae', 'ikram', 'kawtar', 'kaoutar',
  'chaimae', 'chaima', 'wiam', 'yasmine', 'amina', 'aicha', 'malika', 'nour', 'noura', 'hiba',
  'bismillah', 'bismilah', 'bismillahirrahmanirrahim', 'allah', 'allahakbar', 'allahuakbar', 'allahu akbar',
  'alhamdulillah', 'hamdoulah', 'hamdoullah', 'elhamdoulilah', 'inchallah', 'inshallah', 'mashallah',
  'machallah', 'subhanallah', 'lailahaillallah', 'astaghfirullah', 'habibi', 'habiba', 'hbibi',
  'zwina', 'zin', 'zine', 'lmaroc', 'salam', 'salamalaykoum', 'salamoualaykoum', 'marhaba', 'labas',
  'wakha', 'safi safi', 'bezaf', 'mezyan', 'darija', 'amazigh', 'tamazight', 'azul', 'tifinagh',
  'cert', 'macert', 'ma-cert', 'dgssi', 'ribat', 'soc', 'csirt', 'cybersecurite', 'cybersecurity',
  'securite', 'informatique', 'reseau', 'serveur', 'ministere', 'gouvernement', 'entreprise', 'societe',
  // Arabic script
  'كلمة السر', 'كلمةالسر', 'كلمة المرور', 'كلمةالمرور', 'كلمة سر', 'كلمهالسر', 'كلمة_السر', 'سر', 'سري',
  'المغرب', 'مغرب', 'المملكة المغربية', 'المملكةالمغربية', 'الدار البيضاء', 'الدارالبيضاء', 'الرباط',
  'مراكش', 'طنجة', 'فاس', 'مكناس', 'أكادير', 'اكادير', 'وجدة', 'تطوان', 'القنيطرة', 'الرجاء', 'الوداد',
  'ديما مغرب', 'ديمامغرب', 'ديما رجاء', 'ديما وداد', 'اسود الاطلس', 'أسود الأطلس',
  'محمد', 'أحمد', 'احمد', 'يوسف', 'حمزة', 'مهدي', 'أمين', 'امين', 'ياسين', 'أيوب', 'ايوب', 'عمر',
  'فاطمة', 'فاطمة الزهراء', 'خديجة', 'زينب', 'سلمى', 'إيمان', 'ايمان', 'هاجر', 'مريم', 'عائشة',
  'بسم الله', 'بسم الله الرحمن الرحيم', 'بسمالله', 'الله', 'الله أكبر', 'الله اكبر', 'اللهاكبر',
  'الحمد لله', 'الحمدلله', 'إن شاء الله', 'ان شاء الله', 'انشاءالله', 'ما شاء الله', 'ماشاءالله',
  'سبحان الله', 'سبحانالله', 'لا إله إلا الله', 'لااله الا الله', 'استغفر الله', 'استغفرالله',
  'حبيبي', 'حبيبتي', 'أحبك', 'احبك', 'بحبك', 'قلبي', 'حياتي', 'امي', 'أمي', 'ابي', 'أبي', 'عائلتي',
  'مرحبا', 'السلام عليكم', 'السلامعليكم', 'سلام', 'شكرا', 'ادمن', 'مدير', 'مستخدم',
  'ضصثقفغعهخحجد', 'ضصثقفغعهخحجدشسيبلاتنمكط', 'شسيبلاتنمكط', 'ئءؤرلاىةوزظ',
  // Keyboard walks and number patterns at or above the 12-character minimum
  'azertyuiop12', 'azertyuiop123', 'qwertyuiop12', 'qwertyuiop123', 'qwertzuiop', 'qwertzuiop123',
  '1234567890ab', '1234567890az', '1234567890aze', '1234567890azerty', '1234567890qwerty',
  '123456789abc', '123456789aze', '123456789azerty', 'azerty123456', 'azerty1234567', 'azerty12345678',
  'azerty123456789', 'azerty1234567890', 'qwerty1234567890', 'a1z2e3r4t5y6', 'a1z2e3r4t5y6u7i8o9p0',
  'aze123aze123', 'azeqsd123456', 'abc123abc123', 'abcd1234abcd', 'abcd1234abcd1234', 'abcdefghijkl',
  'abcdefghijklm', 'abcdefghijklmnop', 'abcdefghijklmnopqrstuvwxyz', 'aaaaaaaaaaaa', 'azazazazazaz',
  'password1234', 'password12345', 'password123456', 'password@123', 'password!123', 'passwordpassword',
  'motdepasse1234', 'motdepasse123456', 'motdepassemotdepasse', 'administrator', 'administrateur123',
  'changeme1234', 'changemenow', 'welcome12345', 'welcome123456', 'bienvenue123', 'bienvenue1234',
  'letmein12345', 'iloveyou1234', 'iloveyou12345', 'jetaime123456', 'jetaime12345', 'maroc123456',
  'maroc1234567', 'maroc2030', 'maroc2030maroc', 'marocmaroc12', 'marocmaroc123', 'bonjour12345',
  'bonjour123456', 'soleil123456', 'soleil1234567', 'casablanca123', 'casablanca2024', 'marrakech123',
  '123456789012', '1234567890123', '12345678901234', '123456789123', '123456123456', '123123123123',
  '111111111111', '000000000000', '121212121212', '112233445566', '987654321098', '098765432109',
  '012345678901', '147258369000', '147258369147', '159357159357', '123654789000', '0987654321',
  // Arabic-Indic digits need no entries: passwordKey() folds them to ASCII digits.
];

/** Returns the value of a --name option from argv, if given. */
function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Locates the installed package directory, from --package-dir or through Node resolution. */
function packageDir(): string {
  const explicit = option('package-dir');
  if (explicit) return explicit;
  const require = createRequire(import.meta.url);
  return dirname(require.resolve(`${PACKAGE}/package.json`));
}

/** Reads the package's ranked list and licence, and writes the merged, de-duplicated, commented list. */
function main(): void {
  const dir = packageDir();
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string; license: string };
  if (pkg.name !== PACKAGE || pkg.license !== 'MIT') throw new Error(`Unexpected package at ${dir}: ${pkg.name} (${pkg.license})`);
  const upstream = JSON.parse(readFileSync(join(dir, 'src', 'passwords.json'), 'utf8')) as unknown;
  if (!Array.isArray(upstream) || !upstream.every((p): p is string => typeof p === 'string')) {
    throw new Error('passwords.json is not an array of strings');
  }
  const licence = readFileSync(join(dir, 'LICENSE.txt'), 'utf8').trimEnd();

  const seen = new Set<string>();
  const entries: string[] = [];
  let fromUpstream = 0;
  const add = (raw: string): boolean => {
    const key = passwordKey(raw).trim();
    // '#' starts a comment line in the output; newlines would split an entry.
    if (key === '' || key.startsWith('#') || /[\r\n]/.test(key) || seen.has(key)) return false;
    seen.add(key);
    entries.push(key);
    return true;
  };
  for (const p of upstream) if (add(p)) fromUpstream += 1;
  const fromRibat = RIBAT_ADDITIONS.filter(add).length;

  const header = [
    'Common passwords refused by Ribat\'s password policy: one per line, lower-cased (NFKC), upstream rank order first.',
    'Lines starting with \'#\' are comments. Generated by scripts/build-common-passwords.ts: do not edit by hand.',
    `Source: npm package ${pkg.name} ${pkg.version}, file src/passwords.json (${fromUpstream} entries), licence MIT:`,
    '',
    ...licence.split(/\r?\n/),
    '',
    `Then ${fromRibat} French, Moroccan and Arabic entries written for Ribat (AGPL-3.0-or-later, as the project).`,
    `Entries: ${entries.length}`,
  ].map((line) => (line === '' ? '#' : `# ${line}`));
  writeFileSync(OUTPUT, `${header.join('\n')}\n${entries.join('\n')}\n`);
  console.log(`Wrote ${entries.length} entries (${fromUpstream} upstream, ${fromRibat} Ribat) to ${OUTPUT.pathname}`);
}

main();
