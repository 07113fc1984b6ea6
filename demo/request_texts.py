"""Ordinary (non-complaint) requests as customers write them, in the demo's six languages.

Each language has sixteen request phrasings (four per kind), each combined with one of several
details, an invoice number or an amount, so the same sentence rarely repeats word for word.
"""

from __future__ import annotations

import random
from typing import Final

REQUEST_KINDS: Final = ("how_to", "information", "change_request", "billing_question")

# kind -> (phrasings as (subject, body), details that fit every phrasing of the kind)
_Texts = dict[str, tuple[tuple[tuple[str, str], ...], tuple[str, ...]]]

_EN: Final[_Texts] = {
    "how_to": (
        (
            (
                "How do I {detail}?",
                "Hi, could you explain how to {detail}? I have the {product} "
                "plan and I looked in the help centre but could not find clear steps.",
            ),
            (
                "Help needed",
                "Hello, I'm trying to {detail} but I'm not sure where to start. Is "
                "there a guide for {product}?",
            ),
            (
                "Question about {product}",
                "Good morning, what is the right way to {detail}? I "
                "don't want to break anything. Thanks!",
            ),
            (
                "Instructions please",
                "Hi there, my son usually does this for me but he is away. "
                "Can you walk me through how to {detail}? Thank you",
            ),
        ),
        (
            "set up voicemail",
            "change the Wi-Fi password",
            "connect a second TV to the box",
            "activate roaming before my trip",
            "download my invoices as PDF",
            "add a family member to my plan",
            "back up the photos from my phone",
            "reset the router to factory settings",
        ),
    ),
    "information": (
        (
            (
                "Information request",
                "Hello, I'd like to know {detail}. I currently have {product}.",
            ),
            (
                "Quick question",
                "Hi, could you tell me {detail}? I could not find it on the website.",
            ),
            (
                "{product} - question",
                "Good afternoon, before renewing {product} I would like to "
                "know {detail}. Thanks in advance.",
            ),
            (
                "Some information",
                "Hi, a friend told me to ask you directly. I'd like to know {detail}. Kind regards",
            ),
        ),
        (
            "whether fibre is available at my new address",
            "when my contract ends",
            "what the new prices will be from next month",
            "how long a replacement router takes to arrive",
            "which speed is included in my plan",
            "what the opening hours of your shop in town are",
            "whether I can keep my number if I move abroad",
        ),
    ),
    "change_request": (
        (
            (
                "Change request",
                "Hello, I would like to {detail}. My account is under this e-mail "
                "address. What do you need from me?",
            ),
            (
                "Please {detail}",
                "Hi, could you please {detail}? Let me know if you need any documents.",
            ),
            (
                "Request for {product}",
                "Good morning, we need to {detail} for our {product} "
                "plan. When could this be done?",
            ),
            (
                "Account change",
                "Hi, is it possible to {detail} online or do I have to call? Thanks",
            ),
        ),
        (
            "change my billing address",
            "switch to paperless invoices",
            "upgrade to the faster plan",
            "move my line to a new address next month",
            "update the phone number on my account",
            "transfer the contract to my partner",
            "set up direct debit for my payments",
        ),
    ),
    "billing_question": (
        (
            ("Question about my invoice", "Hello, {detail}. Could you explain it? Thank you."),
            ("Billing question", "Hi, about my {product} account: {detail}. Can someone clarify?"),
            (
                "Invoice {invoice}",
                "Good morning, regarding invoice {invoice}: {detail}. Nothing urgent.",
            ),
            ("Clarification on charges", "Hi, {detail}. Is that correct? Thanks for checking."),
        ),
        (
            "I don't understand the activation fee on the last invoice",
            "there is an amount of {amount} I can't place",
            "I would like to know when the payment is due this month",
            "the VAT number on the invoice is missing",
            "the discount I was offered at signup does not seem to appear",
            "my invoice is {amount} higher than usual",
        ),
    ),
}

_IT: Final[_Texts] = {
    "how_to": (
        (
            (
                "Come posso {detail}?",
                "Buongiorno, mi spiegate come {detail}? Ho l'abbonamento "
                "{product} e nella guida online non trovo i passaggi.",
            ),
            (
                "Richiesta di aiuto",
                "Salve, sto provando a {detail} ma non so da dove iniziare. "
                "Esiste una guida per {product}?",
            ),
            (
                "Domanda su {product}",
                "Buongiorno, qual è il modo giusto per {detail}? Non vorrei fare danni. Grazie!",
            ),
            (
                "Istruzioni",
                "Salve, di solito mi aiuta mio figlio ma è fuori casa. Potete "
                "spiegarmi passo passo come {detail}? Grazie mille",
            ),
        ),
        (
            "configurare la segreteria telefonica",
            "cambiare la password del Wi-Fi",
            "collegare un secondo televisore al decoder",
            "attivare il roaming prima del viaggio",
            "scaricare le fatture in PDF",
            "aggiungere un familiare al mio piano",
            "fare il backup delle foto del telefono",
            "ripristinare il modem alle impostazioni di fabbrica",
        ),
    ),
    "information": (
        (
            (
                "Richiesta informazioni",
                "Buongiorno, vorrei sapere {detail}. Attualmente ho {product}.",
            ),
            ("Una domanda veloce", "Salve, potete dirmi {detail}? Sul sito non l'ho trovato."),
            (
                "{product} - informazioni",
                "Buonasera, prima di rinnovare {product} vorrei "
                "sapere {detail}. Grazie in anticipo.",
            ),
            (
                "Informazioni",
                "Ciao, un amico mi ha consigliato di chiedere direttamente a voi: "
                "vorrei capire {detail}. Cordiali saluti",
            ),
        ),
        (
            "se la fibra arriva al mio nuovo indirizzo",
            "quando scade il mio contratto",
            "quali saranno i nuovi prezzi dal mese prossimo",
            "quanto tempo serve per ricevere un modem sostitutivo",
            "quale velocità è inclusa nella mia offerta",
            "che orari fa il vostro negozio in centro",
            "se posso tenere il numero trasferendomi all'estero",
        ),
    ),
    "change_request": (
        (
            (
                "Richiesta di modifica",
                "Buongiorno, vorrei {detail}. L'account è intestato a "
                "questo indirizzo e-mail. Cosa vi serve da parte mia?",
            ),
            ("Modifica contratto", "Salve, potreste {detail}? Fatemi sapere se servono documenti."),
            (
                "Richiesta per {product}",
                "Buongiorno, avremmo bisogno di {detail} per il nostro "
                "abbonamento {product}. Quando si potrebbe fare?",
            ),
            ("Cambio dati", "Ciao, è possibile {detail} online o devo chiamare? Grazie"),
        ),
        (
            "cambiare l'indirizzo di fatturazione",
            "passare alla fattura elettronica",
            "passare all'offerta più veloce",
            "traslocare la linea al nuovo indirizzo il mese prossimo",
            "aggiornare il numero di telefono sul mio profilo",
            "volturare il contratto a mia moglie",
            "attivare l'addebito diretto (RID) per i pagamenti",
        ),
    ),
    "billing_question": (
        (
            ("Domanda sulla fattura", "Buongiorno, {detail}. Potete spiegarmi? Grazie."),
            (
                "Chiarimento fatturazione",
                "Salve, riguardo al mio abbonamento {product}: {detail}. Qualcuno può chiarire?",
            ),
            (
                "Fattura n. {invoice}",
                "Buongiorno, in merito alla fattura n. {invoice}: {detail}. Nessuna urgenza.",
            ),
            ("Addebiti da chiarire", "Salve, {detail}. È corretto? Grazie per la verifica."),
        ),
        (
            "non capisco il costo di attivazione nell'ultima fattura",
            "c'è un importo di {amount} che non riesco a collegare a nulla",
            "vorrei sapere la scadenza del pagamento di questo mese",
            "in fattura manca la partita IVA",
            "lo sconto promesso alla sottoscrizione non sembra applicato",
            "la fattura è di {amount} più alta del solito",
        ),
    ),
}

_DE: Final[_Texts] = {
    "how_to": (
        (
            (
                "Wie kann ich {detail}?",
                "Hallo, können Sie mir erklären, wie ich {detail} kann? "
                "Ich habe den Tarif {product} und finde in der Hilfe keine klare Anleitung.",
            ),
            (
                "Bitte um Hilfe",
                "Guten Tag, ich möchte gern {detail}, weiß aber nicht, wo ich "
                "anfangen soll. Gibt es eine Anleitung für {product}?",
            ),
            (
                "Frage zu {product}",
                "Guten Morgen, wie kann ich am besten {detail}? Ich möchte "
                "nichts kaputt machen. Danke!",
            ),
            (
                "Anleitung gesucht",
                "Hallo, normalerweise hilft mir mein Sohn, aber er ist "
                "verreist. Können Sie mir Schritt für Schritt zeigen, wie ich {detail} kann?",
            ),
        ),
        (
            "die Mailbox einrichten",
            "das WLAN-Passwort ändern",
            "einen zweiten Fernseher an die Box anschließen",
            "Roaming vor der Reise aktivieren",
            "meine Rechnungen als PDF herunterladen",
            "ein Familienmitglied zu meinem Tarif hinzufügen",
            "die Fotos vom Handy sichern",
            "den Router auf Werkseinstellungen zurücksetzen",
        ),
    ),
    "information": (
        (
            (
                "Informationsanfrage",
                "Guten Tag, ich möchte gern wissen, {detail}. Ich habe derzeit {product}.",
            ),
            (
                "Kurze Frage",
                "Hallo, können Sie mir sagen, {detail}? Auf der Webseite habe ich nichts gefunden.",
            ),
            (
                "{product} - Frage",
                "Guten Tag, bevor ich {product} verlängere, würde ich gern "
                "wissen, {detail}. Vielen Dank im Voraus.",
            ),
            (
                "Information",
                "Hallo, ein Bekannter meinte, ich solle Sie direkt fragen, "
                "{detail}. Mit freundlichen Grüßen",
            ),
        ),
        (
            "ob Glasfaser an meiner neuen Adresse verfügbar ist",
            "wann mein Vertrag endet",
            "wie die neuen Preise ab nächstem Monat aussehen",
            "wie lange ein Ersatzrouter unterwegs ist",
            "welche Geschwindigkeit in meinem Tarif enthalten ist",
            "wann Ihr Shop in der Innenstadt geöffnet hat",
            "ob ich meine Nummer bei einem Umzug ins Ausland behalten kann",
        ),
    ),
    "change_request": (
        (
            (
                "Änderungswunsch",
                "Guten Tag, ich möchte {detail}. Mein Konto läuft unter dieser "
                "E-Mail-Adresse. Was benötigen Sie von mir?",
            ),
            (
                "Bitte um Änderung",
                "Hallo, ich würde gern {detail}. Geht das kurzfristig? Sagen "
                "Sie mir Bescheid, falls Sie Unterlagen brauchen.",
            ),
            (
                "Anfrage zu {product}",
                "Guten Morgen, wir müssten für unseren Tarif {product} "
                "{detail}. Wann wäre das möglich?",
            ),
            ("Vertragsänderung", "Hallo, kann ich online {detail} oder muss ich anrufen? Danke"),
        ),
        (
            "meine Rechnungsadresse ändern",
            "auf Online-Rechnung umstellen",
            "auf den schnelleren Tarif wechseln",
            "den Anschluss nächsten Monat an die neue Adresse umziehen",
            "die Telefonnummer in meinem Konto aktualisieren",
            "den Vertrag auf meine Partnerin übertragen",
            "die Zahlung ab sofort auf Lastschrift umstellen",
        ),
    ),
    "billing_question": (
        (
            ("Frage zur Rechnung", "Guten Tag, {detail}. Können Sie mir das erklären? Danke."),
            (
                "Rechnungsfrage",
                "Hallo, zu meinem Konto {product}: {detail}. Kann mir das jemand erklären?",
            ),
            (
                "Rechnung {invoice}",
                "Guten Morgen, zur Rechnung {invoice}: {detail}. Es eilt nicht.",
            ),
            ("Unklare Posten", "Hallo, {detail}. Stimmt das so? Danke fürs Nachsehen."),
        ),
        (
            "ich verstehe die Bereitstellungsgebühr auf der letzten Rechnung nicht",
            "da steht ein Betrag von {amount}, den ich nicht zuordnen kann",
            "ich wüsste gern, wann die Zahlung diesen Monat fällig ist",
            "auf der Rechnung fehlt die USt-IdNr.",
            "der Rabatt, der mir beim Abschluss versprochen wurde, taucht nicht auf",
            "die Rechnung ist {amount} höher als sonst",
        ),
    ),
}

_FR: Final[_Texts] = {
    "how_to": (
        (
            (
                "Comment {detail} ?",
                "Bonjour, pourriez-vous m'expliquer comment {detail} ? J'ai "
                "l'offre {product} et je ne trouve pas les étapes dans l'aide en ligne.",
            ),
            (
                "Besoin d'aide",
                "Bonjour, j'essaie de {detail} mais je ne sais pas par où "
                "commencer. Existe-t-il un guide pour {product} ?",
            ),
            (
                "Question sur {product}",
                "Bonjour, quelle est la bonne façon de {detail} ? Je ne "
                "voudrais rien abîmer. Merci !",
            ),
            (
                "Mode d'emploi",
                "Bonjour, d'habitude c'est mon fils qui s'en occupe mais il est "
                "absent. Pouvez-vous m'expliquer pas à pas comment {detail} ? Merci",
            ),
        ),
        (
            "configurer la messagerie vocale",
            "changer le mot de passe du Wi-Fi",
            "brancher un deuxième téléviseur sur la box",
            "activer l'itinérance avant mon voyage",
            "télécharger mes factures en PDF",
            "ajouter un membre de ma famille à mon forfait",
            "sauvegarder les photos de mon téléphone",
            "réinitialiser la box aux paramètres d'usine",
        ),
    ),
    "information": (
        (
            (
                "Demande d'information",
                "Bonjour, j'aimerais savoir {detail}. J'ai actuellement {product}.",
            ),
            (
                "Petite question",
                "Bonjour, pourriez-vous me dire {detail} ? Je n'ai rien trouvé sur le site.",
            ),
            (
                "{product} - question",
                "Bonjour, avant de renouveler {product} je voudrais "
                "savoir {detail}. Merci d'avance.",
            ),
            (
                "Renseignement",
                "Bonjour, un ami m'a conseillé de vous demander directement {detail}. Cordialement",
            ),
        ),
        (
            "si la fibre est disponible à ma nouvelle adresse",
            "quand mon contrat se termine",
            "quels seront les nouveaux tarifs le mois prochain",
            "combien de temps met une box de remplacement à arriver",
            "quel débit est inclus dans mon offre",
            "quels sont les horaires de votre boutique du centre-ville",
            "si je peux garder mon numéro en partant à l'étranger",
        ),
    ),
    "change_request": (
        (
            (
                "Demande de modification",
                "Bonjour, je souhaiterais {detail}. Mon compte est à "
                "cette adresse e-mail. De quoi avez-vous besoin ?",
            ),
            (
                "Modification du contrat",
                "Bonjour, pourriez-vous {detail} ? Dites-moi s'il faut des justificatifs.",
            ),
            (
                "Demande pour {product}",
                "Bonjour, nous aurions besoin de {detail} pour notre "
                "abonnement {product}. Quand serait-ce possible ?",
            ),
            (
                "Changement de coordonnées",
                "Bonjour, est-il possible de {detail} en ligne ou dois-je appeler ? Merci",
            ),
        ),
        (
            "changer mon adresse de facturation",
            "passer à la facture électronique",
            "passer à l'offre plus rapide",
            "transférer ma ligne à ma nouvelle adresse le mois prochain",
            "mettre à jour le numéro de téléphone de mon compte",
            "transférer le contrat à mon conjoint",
            "mettre en place le prélèvement automatique",
        ),
    ),
    "billing_question": (
        (
            ("Question sur ma facture", "Bonjour, {detail}. Pourriez-vous m'expliquer ? Merci."),
            (
                "Question de facturation",
                "Bonjour, concernant mon abonnement {product} : "
                "{detail}. Quelqu'un peut-il m'éclairer ?",
            ),
            (
                "Facture {invoice}",
                "Bonjour, au sujet de la facture {invoice} : {detail}. Rien d'urgent.",
            ),
            ("Frais à clarifier", "Bonjour, {detail}. Est-ce normal ? Merci de vérifier."),
        ),
        (
            "je ne comprends pas les frais de mise en service sur la dernière facture",
            "il y a un montant de {amount} que je n'arrive pas à identifier",
            "je voudrais connaître la date d'échéance du paiement ce mois-ci",
            "le numéro de TVA n'apparaît pas sur la facture",
            "la remise promise à la souscription ne semble pas appliquée",
            "la facture est plus élevée que d'habitude de {amount}",
        ),
    ),
}

_ES: Final[_Texts] = {
    "how_to": (
        (
            (
                "¿Cómo puedo {detail}?",
                "Hola, ¿me podéis explicar cómo {detail}? Tengo la "
                "tarifa {product} y en el centro de ayuda no encuentro los pasos.",
            ),
            (
                "Necesito ayuda",
                "Buenas, estoy intentando {detail} pero no sé por dónde empezar. "
                "¿Hay alguna guía para {product}?",
            ),
            (
                "Duda sobre {product}",
                "Buenos días, ¿cuál es la forma correcta de {detail}? No "
                "quiero estropear nada. ¡Gracias!",
            ),
            (
                "Instrucciones",
                "Hola, normalmente me ayuda mi hijo pero está fuera. ¿Me podéis "
                "explicar paso a paso cómo {detail}? Muchas gracias",
            ),
        ),
        (
            "configurar el buzón de voz",
            "cambiar la contraseña del wifi",
            "conectar una segunda tele al decodificador",
            "activar el roaming antes del viaje",
            "descargar mis facturas en PDF",
            "añadir a un familiar a mi tarifa",
            "hacer una copia de las fotos del móvil",
            "restablecer el router a los valores de fábrica",
        ),
    ),
    "information": (
        (
            (
                "Solicitud de información",
                "Hola, quisiera saber {detail}. Ahora mismo tengo {product}.",
            ),
            (
                "Una pregunta rápida",
                "Buenas, ¿me podéis decir {detail}? En la web no lo he encontrado.",
            ),
            (
                "{product} - consulta",
                "Buenas tardes, antes de renovar {product} me gustaría "
                "saber {detail}. Gracias de antemano.",
            ),
            (
                "Información",
                "Hola, un amigo me dijo que os preguntara directamente {detail}. Un saludo",
            ),
        ),
        (
            "si hay fibra en mi nueva dirección",
            "cuándo termina mi contrato",
            "cuáles serán los nuevos precios a partir del mes que viene",
            "cuánto tarda en llegar un router de sustitución",
            "qué velocidad incluye mi tarifa",
            "qué horario tiene vuestra tienda del centro",
            "si puedo conservar mi número si me mudo al extranjero",
        ),
    ),
    "change_request": (
        (
            (
                "Solicitud de cambio",
                "Hola, quisiera {detail}. La cuenta está a nombre de este "
                "correo. ¿Qué necesitáis de mí?",
            ),
            (
                "Cambio en el contrato",
                "Buenas, ¿podríais {detail}? Decidme si hace falta algún documento.",
            ),
            (
                "Petición para {product}",
                "Buenos días, necesitaríamos {detail} en nuestra "
                "tarifa {product}. ¿Cuándo se podría hacer?",
            ),
            (
                "Cambio de datos",
                "Hola, ¿se puede {detail} por internet o tengo que llamar? Gracias",
            ),
        ),
        (
            "cambiar mi dirección de facturación",
            "pasar a la factura electrónica",
            "cambiarme a la tarifa más rápida",
            "trasladar la línea a mi nueva dirección el mes que viene",
            "actualizar el teléfono de mi cuenta",
            "pasar el contrato a nombre de mi pareja",
            "poner el pago por domiciliación bancaria",
        ),
    ),
    "billing_question": (
        (
            ("Duda con mi factura", "Hola, {detail}. ¿Me lo podéis explicar? Gracias."),
            (
                "Consulta de facturación",
                "Buenas, sobre mi cuenta {product}: {detail}. ¿Alguien me lo aclara?",
            ),
            (
                "Factura {invoice}",
                "Buenos días, en relación con la factura {invoice}: {detail}. No corre prisa.",
            ),
            ("Cargos que no entiendo", "Hola, {detail}. ¿Es correcto? Gracias por revisarlo."),
        ),
        (
            "no entiendo la cuota de alta de la última factura",
            "aparece un importe de {amount} que no sé de dónde sale",
            "quería saber cuándo vence el pago de este mes",
            "en la factura no aparece el NIF",
            "el descuento que me ofrecieron al contratar no aparece",
            "la factura es {amount} más alta de lo normal",
        ),
    ),
}

_HE: Final[_Texts] = {
    "how_to": (
        (
            ("איך אפשר {detail}?", "שלום, תוכלו להסביר לי איך {detail}? יש לי את המסלול "
             "{product} ובמרכז העזרה לא מצאתי הוראות ברורות."),
            ("צריך עזרה", "היי, אני מנסה {detail} ולא יודע מאיפה להתחיל. יש מדריך ל-{product}?"),
            ("שאלה לגבי {product}", "בוקר טוב, מה הדרך הנכונה {detail}? לא רוצה לקלקל כלום. "
             "תודה!"),
            ("הוראות", "שלום, בדרך כלל הבן שלי עוזר לי אבל הוא בחו\"ל. אפשר להסביר לי שלב אחרי "
             "שלב איך {detail}? תודה רבה"),
        ),
        ("להגדיר את התא הקולי", "לשנות את הסיסמה של ה-Wi-Fi", "לחבר טלוויזיה שנייה לממיר",
         "להפעיל נדידה לפני הטיסה", "להוריד את החשבוניות שלי כ-PDF", "להוסיף בן משפחה "
         "למסלול שלי", "לגבות את התמונות מהטלפון", "לאפס את הראוטר להגדרות היצרן"),
    ),
    "information": (
        (
            ("בקשה למידע", "שלום, רציתי לדעת {detail}. כרגע יש לי {product}."),
            ("שאלה קצרה", "היי, תוכלו להגיד לי {detail}? לא מצאתי את זה באתר."),
            ("{product} - שאלה", "ערב טוב, לפני שאני מחדש את {product} רציתי לדעת {detail}. "
             "תודה מראש."),
            ("מידע", "שלום, חבר אמר לי לשאול אתכם ישירות {detail}. בברכה"),
        ),
        ("אם יש סיבים בכתובת החדשה שלי", "מתי החוזה שלי מסתיים", "מה יהיו המחירים החדשים "
         "מהחודש הבא", "כמה זמן לוקח לקבל ראוטר חלופי", "איזו מהירות כלולה במסלול שלי",
         "מה שעות הפתיחה של החנות במרכז", "אם אפשר לשמור על המספר במעבר לחו\"ל"),
    ),
    "change_request": (
        (
            ("בקשת שינוי", "שלום, אני רוצה {detail}. החשבון רשום על כתובת המייל הזו. מה אתם "
             "צריכים ממני?"),
            ("שינוי בחוזה", "היי, אפשר בבקשה {detail}? תעדכנו אם צריך מסמכים."),
            ("בקשה עבור {product}", "בוקר טוב, אנחנו צריכים {detail} במסלול {product}. מתי "
             "אפשר לעשות את זה?"),
            ("עדכון פרטים", "שלום, אפשר {detail} באתר או שצריך להתקשר? תודה"),
        ),
        ("לשנות את כתובת החיוב", "לעבור לחשבונית דיגיטלית", "לשדרג למסלול המהיר יותר",
         "להעביר את הקו לכתובת החדשה בחודש הבא", "לעדכן את מספר הטלפון בחשבון", "להעביר את "
         "החוזה על שם בן הזוג שלי", "לשלם מעכשיו בהוראת קבע"),
    ),
    "billing_question": (
        (
            ("שאלה על החשבונית", "שלום, {detail}. תוכלו להסביר? תודה."),
            ("שאלה בנושא חיוב", "היי, לגבי החשבון {product} שלי: {detail}. מישהו יכול להבהיר?"),
            ("חשבונית {invoice}", "בוקר טוב, בקשר לחשבונית {invoice}: {detail}. לא דחוף."),
            ("חיובים לא ברורים", "שלום, {detail}. זה תקין? תודה על הבדיקה."),
        ),
        ("אני לא מבין את דמי ההתקנה בחשבונית האחרונה", "יש סכום של {amount} שאני לא מצליח "
         "לזהות", "רציתי לדעת מתי מועד התשלום החודש", "חסר מספר עוסק בחשבונית", "ההנחה "
         "שהבטיחו לי בהצטרפות לא מופיעה", "החשבונית גבוהה ב-{amount} מהרגיל"),
    ),
}  # fmt: skip

_TEXTS: Final = {"en": _EN, "it": _IT, "de": _DE, "fr": _FR, "es": _ES, "he": _HE}
_CURRENCY: Final = {"en": "£{:.2f}", "he": "₪{:.0f}"}


def request_text(kind: str, language: str, rng: random.Random, *, product: str) -> tuple[str, str]:
    """Subject and description of an ordinary request.

    Args:
        kind: One of :data:`REQUEST_KINDS`.
        language: en, it, es, he, de or fr.
        rng: The generator's random stream (the only source of variation).
        product: The customer's plan or device, named in some phrasings.

    Returns:
        (subject, description) in ``language``.
    """
    phrasings, details = _TEXTS[language][kind]
    subject, body = phrasings[int(rng.random() * len(phrasings))]
    amount = 4 + 86 * rng.random()
    money = _CURRENCY.get(language, "{:.2f} €").format(amount)
    if language in ("it", "de", "fr", "es"):
        money = money.replace(".", ",")
    values = {
        "product": product,
        "invoice": f"{2024 + int(rng.random() * 3)}/{int(rng.random() * 999_000) + 1000:06d}",
        "amount": money,
    }
    values["detail"] = details[int(rng.random() * len(details))].format(**values)
    return subject.format(**values), body.format(**values)
