import { defineMessages } from '#src/core/i18n/i18n';

/** Strings of the e-mails the incident use cases send (acknowledgements, shared comments, reminders). */
export const incidentsMessages = defineMessages({
  fr: {
    'incidents.email.ack.subject': '[{reference}] Signalement reçu : {title}',
    'incidents.email.ack.body': 'Bonjour,\n\nNous avons bien reçu votre signalement « {title} ». Sa référence est {reference} : rappelez-la dans vos échanges avec nous.\n\nUn analyste va l’examiner. Vous recevrez nos réponses par courriel.',
    'incidents.email.ack.tracking': 'Suivre votre signalement et nous répondre (lien personnel, ne le transférez pas) :\n{url}',
    'incidents.email.ack.portal': 'Vous pouvez suivre ce signalement dans votre espace :\n{url}',
    'incidents.email.reply_hint': 'Pour nous répondre, répondez à ce courriel en gardant la référence [{reference}] dans l’objet.',
    'incidents.email.comment.subject': '[{reference}] Nouveau message du CERT : {title}',
    'incidents.email.comment.body': 'Bonjour,\n\nLe CERT a ajouté un message à votre signalement {reference} :\n\n{body}',
    'incidents.email.reminder.subject': '[{reference}] Échéance « {stage} » le {due}',
    'incidents.email.reminder.body': 'L’échéance « {stage} » ({profile}) de l’incident {reference} « {title} » arrive le {due}.\n\n{url}',
    'incidents.email.signature': '— {site}',
    'incidents.author.reporter': 'Déclarant',
  },
  ar: {
    'incidents.email.ack.subject': '[{reference}] تم استلام البلاغ: {title}',
    'incidents.email.ack.body': 'مرحبا،\n\nتوصلنا ببلاغكم «{title}». مرجعه {reference}: يرجى ذكره في مراسلاتكم معنا.\n\nسيقوم محلل بدراسته، وستصلكم ردودنا عبر البريد الإلكتروني.',
    'incidents.email.ack.tracking': 'لتتبع بلاغكم والرد علينا (رابط شخصي، لا تقوموا بتحويله):\n{url}',
    'incidents.email.ack.portal': 'يمكنكم تتبع هذا البلاغ في فضائكم:\n{url}',
    'incidents.email.reply_hint': 'للرد علينا، أجيبوا على هذه الرسالة مع الإبقاء على المرجع [{reference}] في الموضوع.',
    'incidents.email.comment.subject': '[{reference}] رسالة جديدة من المركز: {title}',
    'incidents.email.comment.body': 'مرحبا،\n\nأضاف المركز رسالة إلى بلاغكم {reference}:\n\n{body}',
    'incidents.email.reminder.subject': '[{reference}] أجل «{stage}» في {due}',
    'incidents.email.reminder.body': 'يحل أجل «{stage}» ({profile}) للحادث {reference} «{title}» في {due}.\n\n{url}',
    'incidents.email.signature': '— {site}',
    'incidents.author.reporter': 'المبلِّغ',
  },
  en: {
    'incidents.email.ack.subject': '[{reference}] Report received: {title}',
    'incidents.email.ack.body': 'Hello,\n\nWe have received your report "{title}". Its reference is {reference}: please quote it when you write to us.\n\nAn analyst will look at it. Our answers will reach you by e-mail.',
    'incidents.email.ack.tracking': 'Follow your report and answer us (personal link, do not forward it):\n{url}',
    'incidents.email.ack.portal': 'You can follow this report in your space:\n{url}',
    'incidents.email.reply_hint': 'To answer us, reply to this e-mail and keep the reference [{reference}] in the subject.',
    'incidents.email.comment.subject': '[{reference}] New message from the CERT: {title}',
    'incidents.email.comment.body': 'Hello,\n\nThe CERT added a message to your report {reference}:\n\n{body}',
    'incidents.email.reminder.subject': '[{reference}] Deadline "{stage}" on {due}',
    'incidents.email.reminder.body': 'The deadline "{stage}" ({profile}) of incident {reference} "{title}" falls on {due}.\n\n{url}',
    'incidents.email.signature': '— {site}',
    'incidents.author.reporter': 'Reporter',
  },
});
