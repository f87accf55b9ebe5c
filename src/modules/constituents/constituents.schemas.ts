import { Type } from '@sinclair/typebox';
import { PageOf, PageQuery } from '#src/core/pagination';
import { MAX_CONTACTS, MAX_EMAIL_DOMAINS, MAX_IP_RANGES, organisationCategories, organisationStatuses } from '#src/modules/constituents/constituents.types';

const Name = Type.String({ minLength: 1, maxLength: 200 });
const Category = Type.Union(organisationCategories.map((c) => Type.Literal(c)), { description: 'administration, vital-infrastructure, private-company or other.' });
const Status = Type.Union(organisationStatuses.map((s) => Type.Literal(s)));

export const NamesSchema = Type.Object({ fr: Name, ar: Name, en: Name }, { additionalProperties: false });

export const ContactSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    email: Type.String({ minLength: 1, maxLength: 254 }),
    phone: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()], { description: 'Normalised to E.164; Moroccan national numbers are accepted.' })),
  },
  { additionalProperties: false },
);

const Domains = Type.Array(Type.String({ maxLength: 260 }), { maxItems: MAX_EMAIL_DOMAINS, description: 'E-mail domains; lower-cased, IDNs stored in punycode.' });
const Ranges = Type.Array(Type.String({ maxLength: 100 }), { maxItems: MAX_IP_RANGES, description: 'CIDR blocks (IPv4 or IPv6), stored in network form: 192.168.1.7/24 becomes 192.168.1.0/24.' });
const Contacts = Type.Array(ContactSchema, { minItems: 1, maxItems: MAX_CONTACTS, description: 'Security officers.' });
const Acronym = Type.Union([Type.String({ maxLength: 20 }), Type.Null()], { description: '2–20 characters among A–Z, 0–9 and "-"; unique.' });

/** An organisation as the API shows it. */
export const OrganisationSchema = Type.Object({
  id: Type.String(),
  names: NamesSchema,
  acronym: Type.Union([Type.String(), Type.Null()]),
  category: Category,
  sector: Type.String({ description: 'A code of the `sector` vocabulary.' }),
  status: Status,
  emailDomains: Type.Array(Type.String()),
  ipRanges: Type.Array(Type.String()),
  contacts: Type.Array(Type.Object({ name: Type.String(), email: Type.String(), phone: Type.Union([Type.String(), Type.Null()]) })),
  userCount: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  version: Type.Integer({ minimum: 1 }),
});

export const OrganisationPage = PageOf(OrganisationSchema);

export const OrganisationParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export const OrganisationListQuery = Type.Composite([
  PageQuery,
  Type.Object({
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Text searched in the names, the acronym and the e-mail domains.' })),
    category: Type.Optional(Category),
    sector: Type.Optional(Type.String({ maxLength: 60 })),
    status: Type.Optional(Status),
  }),
]);

/** Body of an organisation creation. */
export const CreateOrganisationBody = Type.Object(
  {
    names: NamesSchema,
    acronym: Type.Optional(Acronym),
    category: Category,
    sector: Type.String({ minLength: 1, maxLength: 60 }),
    emailDomains: Type.Optional(Domains),
    ipRanges: Type.Optional(Ranges),
    contacts: Contacts,
  },
  { additionalProperties: false },
);

/** Body of an organisation change: any subset of the fields, and the `version` read. Lists replace the old ones. */
export const UpdateOrganisationBody = Type.Object(
  {
    names: Type.Optional(Type.Object({ fr: Type.Optional(Name), ar: Type.Optional(Name), en: Type.Optional(Name) }, { additionalProperties: false })),
    acronym: Type.Optional(Acronym),
    category: Type.Optional(Category),
    sector: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
    emailDomains: Type.Optional(Domains),
    ipRanges: Type.Optional(Ranges),
    contacts: Type.Optional(Contacts),
    version: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
);

/** Body of suspend and reactivate (may be omitted): the version read, to refuse acting on a stale view. */
export const StatusChangeBody = Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1 })) }, { additionalProperties: false });

export const IdempotencyHeaders = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ maxLength: 200, description: 'Makes a retry return the first answer.' })) });
