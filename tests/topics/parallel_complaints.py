"""The same complaints written in five languages (translated by hand, for the cross-lingual test).

Four root causes, six complaints each; every complaint in English, Italian, Spanish, German and
Hebrew. Unlike the demo generator, whose phrasings differ from language to language, these are
translations: one complaint, five languages.
"""

from __future__ import annotations

from typing import Final

PARALLEL_LANGUAGES: Final = ("en", "it", "es", "de", "he")

# cause -> complaints; each complaint is (en, it, es, de, he)
PARALLEL_COMPLAINTS: Final[dict[str, tuple[tuple[str, str, str, str, str], ...]]] = {
    "slow_first_response": (
        (
            "I opened a ticket five days ago and nobody has answered me yet.",
            "Ho aperto un ticket cinque giorni fa e nessuno mi ha ancora risposto.",
            "Abrí una incidencia hace cinco días y todavía nadie me ha contestado.",
            "Ich habe vor fünf Tagen ein Ticket eröffnet und bis jetzt hat mir niemand "
            "geantwortet.",
            "פתחתי פנייה לפני חמישה ימים ועדיין אף אחד לא ענה לי.",
        ),
        (
            "I have been waiting a whole week for a first reply to my request.",
            "Aspetto da una settimana intera una prima risposta alla mia richiesta.",
            "Llevo una semana entera esperando una primera respuesta a mi solicitud.",
            "Ich warte seit einer ganzen Woche auf eine erste Antwort auf meine Anfrage.",
            "אני מחכה כבר שבוע שלם לתשובה ראשונה לבקשה שלי.",
        ),
        (
            "I sent three emails to support and got no response at all.",
            "Ho mandato tre email all'assistenza e non ho ricevuto nessuna risposta.",
            "Envié tres correos al servicio de atención y no recibí ninguna respuesta.",
            "Ich habe dem Support drei E-Mails geschickt und überhaupt keine Antwort bekommen.",
            "שלחתי שלושה מיילים לתמיכה ולא קיבלתי שום תשובה.",
        ),
        (
            "Your automatic message promised an answer within 24 hours, but ten days later I "
            "am still waiting.",
            "Il vostro messaggio automatico prometteva una risposta entro 24 ore, ma dopo "
            "dieci giorni sto ancora aspettando.",
            "Vuestro mensaje automático prometía una respuesta en 24 horas, pero diez días "
            "después sigo esperando.",
            "Ihre automatische Nachricht versprach eine Antwort innerhalb von 24 Stunden, aber "
            "zehn Tage später warte ich immer noch.",
            "ההודעה האוטומטית שלכם הבטיחה תשובה תוך 24 שעות, אבל עשרה ימים אחר כך אני עדיין מחכה.",
        ),
        (
            "Nobody has looked at my request since I submitted it on Monday.",
            "Nessuno ha guardato la mia richiesta da quando l'ho inviata lunedì.",
            "Nadie ha mirado mi solicitud desde que la envié el lunes.",
            "Seit ich meine Anfrage am Montag abgeschickt habe, hat sie sich niemand angesehen.",
            "אף אחד לא הסתכל על הבקשה שלי מאז ששלחתי אותה ביום שני.",
        ),
        (
            "It is unacceptable to wait so long before anyone even replies to a customer.",
            "È inaccettabile aspettare così tanto prima che qualcuno risponda a un cliente.",
            "Es inaceptable esperar tanto antes de que alguien responda a un cliente.",
            "Es ist inakzeptabel, so lange zu warten, bis überhaupt jemand einem Kunden antwortet.",
            "זה לא מקובל לחכות כל כך הרבה זמן עד שמישהו בכלל עונה ללקוח.",
        ),
    ),
    "billing_error": (
        (
            "I was charged twice for the same invoice this month.",
            "Questo mese mi è stata addebitata due volte la stessa fattura.",
            "Este mes me han cobrado dos veces la misma factura.",
            "Diesen Monat wurde mir dieselbe Rechnung zweimal abgebucht.",
            "החודש חייבו אותי פעמיים על אותה חשבונית.",
        ),
        (
            "My bill shows a fee for a service I cancelled months ago.",
            "La mia bolletta riporta un costo per un servizio che ho disdetto mesi fa.",
            "Mi factura incluye un cargo por un servicio que cancelé hace meses.",
            "Meine Rechnung enthält eine Gebühr für einen Dienst, den ich vor Monaten gekündigt "
            "habe.",
            "בחשבון שלי מופיע חיוב על שירות שביטלתי לפני כמה חודשים.",
        ),
        (
            "The amount on the invoice is wrong: you charged me 120 euros instead of 80.",
            "L'importo della fattura è sbagliato: mi avete addebitato 120 euro invece di 80.",
            "El importe de la factura es incorrecto: me habéis cobrado 120 euros en lugar de 80.",
            "Der Betrag auf der Rechnung ist falsch: Sie haben mir 120 Euro statt 80 berechnet.",
            "הסכום בחשבונית שגוי: חייבתם אותי ב-120 יורו במקום 80.",
        ),
        (
            "I still have not received the refund for the double payment on my card.",
            "Non ho ancora ricevuto il rimborso per il doppio pagamento sulla mia carta.",
            "Todavía no he recibido el reembolso del pago duplicado en mi tarjeta.",
            "Ich habe die Rückerstattung für die doppelte Zahlung auf meiner Karte immer noch "
            "nicht erhalten.",
            "עדיין לא קיבלתי את ההחזר על התשלום הכפול בכרטיס שלי.",
        ),
        (
            "You billed me for the premium plan although I am on the basic plan.",
            "Mi avete fatturato il piano premium anche se ho il piano base.",
            "Me habéis facturado el plan premium aunque tengo el plan básico.",
            "Sie haben mir den Premium-Tarif berechnet, obwohl ich den Basistarif habe.",
            "חייבתם אותי על מסלול הפרימיום למרות שאני במסלול הבסיסי.",
        ),
        (
            "There is a late payment fee on my invoice, but I paid on time.",
            "Sulla fattura c'è una mora per ritardato pagamento, ma ho pagato in tempo.",
            "En mi factura aparece un recargo por pago atrasado, pero pagué a tiempo.",
            "Auf meiner Rechnung steht eine Mahngebühr, obwohl ich pünktlich bezahlt habe.",
            "בחשבונית שלי יש קנס על איחור בתשלום, אבל שילמתי בזמן.",
        ),
    ),
    "callback_not_made": (
        (
            "The agent promised to call me back the same afternoon, but nobody ever called.",
            "L'operatore ha promesso di richiamarmi il pomeriggio stesso, ma nessuno ha mai "
            "chiamato.",
            "El agente prometió devolverme la llamada esa misma tarde, pero nadie llamó nunca.",
            "Der Mitarbeiter versprach, mich am selben Nachmittag zurückzurufen, aber es hat nie "
            "jemand angerufen.",
            "הנציג הבטיח לחזור אליי באותו אחר צהריים, אבל אף אחד לא התקשר.",
        ),
        (
            "I was told a technician would phone me within two days; I am still waiting for "
            "that call.",
            "Mi è stato detto che un tecnico mi avrebbe telefonato entro due giorni; sto ancora "
            "aspettando quella chiamata.",
            "Me dijeron que un técnico me llamaría en dos días; sigo esperando esa llamada.",
            "Man sagte mir, ein Techniker würde mich innerhalb von zwei Tagen anrufen; auf diesen "
            "Anruf warte ich noch immer.",
            "אמרו לי שטכנאי יתקשר אליי תוך יומיים; אני עדיין מחכה לשיחה הזאת.",
        ),
        (
            "Three times you promised a call back and three times nobody called.",
            "Per tre volte mi avete promesso di richiamarmi e per tre volte nessuno ha chiamato.",
            "Tres veces me prometisteis devolverme la llamada y tres veces nadie llamó.",
            "Dreimal haben Sie mir einen Rückruf versprochen und dreimal hat niemand angerufen.",
            "שלוש פעמים הבטחתם לחזור אליי ושלוש פעמים אף אחד לא התקשר.",
        ),
        (
            "I booked a call-back slot for this morning and the phone never rang.",
            "Avevo prenotato una richiamata per stamattina e il telefono non ha mai squillato.",
            "Reservé una llamada de vuelta para esta mañana y el teléfono nunca sonó.",
            "Ich hatte für heute Morgen einen Rückruftermin gebucht und das Telefon hat nie "
            "geklingelt.",
            "קבעתי שיחה חוזרת להבוקר והטלפון בכלל לא צלצל.",
        ),
        (
            "The supervisor was supposed to ring me back yesterday, but I heard nothing.",
            "Il responsabile avrebbe dovuto richiamarmi ieri, ma non ho sentito nessuno.",
            "El supervisor tenía que llamarme ayer, pero no supe nada.",
            "Der Vorgesetzte sollte mich gestern zurückrufen, aber ich habe nichts gehört.",
            "המנהל היה אמור לחזור אליי אתמול, אבל לא שמעתי ממנו כלום.",
        ),
        (
            "Please stop promising call-backs that never happen.",
            "Per favore smettete di promettere richiamate che non arrivano mai.",
            "Por favor, dejad de prometer llamadas que nunca llegan.",
            "Bitte hören Sie auf, Rückrufe zu versprechen, die nie stattfinden.",
            "בבקשה תפסיקו להבטיח שיחות חוזרות שאף פעם לא מגיעות.",
        ),
    ),
    "transferred_many_times": (
        (
            "I was transferred from one department to another five times and nobody could help me.",
            "Sono stato trasferito da un reparto all'altro cinque volte e nessuno ha saputo "
            "aiutarmi.",
            "Me pasaron de un departamento a otro cinco veces y nadie supo ayudarme.",
            "Ich wurde fünfmal von einer Abteilung zur nächsten weitergeleitet und niemand "
            "konnte mir helfen.",
            "העבירו אותי ממחלקה למחלקה חמש פעמים ואף אחד לא הצליח לעזור לי.",
        ),
        (
            "Every agent I speak to passes me on to a different team.",
            "Ogni operatore con cui parlo mi passa a un altro team.",
            "Cada agente con el que hablo me pasa a otro equipo.",
            "Jeder Mitarbeiter, mit dem ich spreche, verweist mich an ein anderes Team.",
            "כל נציג שאני מדבר איתו מעביר אותי לצוות אחר.",
        ),
        (
            "After being put through to four different people I had to explain my problem "
            "from the beginning each time.",
            "Dopo essere stato passato a quattro persone diverse ho dovuto spiegare il mio "
            "problema da capo ogni volta.",
            "Después de pasarme con cuatro personas distintas tuve que explicar mi problema "
            "desde el principio cada vez.",
            "Nachdem ich an vier verschiedene Personen weiterverbunden wurde, musste ich mein "
            "Problem jedes Mal von vorne erklären.",
            "אחרי שהעבירו אותי לארבעה אנשים שונים, נאלצתי להסביר את הבעיה שלי מההתחלה בכל פעם.",
        ),
        (
            "My ticket has been reassigned between teams so many times that nobody owns it "
            "anymore.",
            "Il mio ticket è stato riassegnato tra i team così tante volte che ormai nessuno "
            "se ne occupa.",
            "Mi incidencia se ha reasignado entre equipos tantas veces que ya nadie se hace cargo.",
            "Mein Ticket wurde so oft zwischen den Teams neu zugewiesen, dass sich niemand mehr "
            "dafür zuständig fühlt.",
            "הפנייה שלי הועברה בין צוותים כל כך הרבה פעמים שכבר אף אחד לא אחראי עליה.",
        ),
        (
            "Sales sent me to technical support, and technical support sent me back to sales.",
            "Le vendite mi hanno mandato all'assistenza tecnica e l'assistenza tecnica mi ha "
            "rimandato alle vendite.",
            "Ventas me mandó al soporte técnico y el soporte técnico me devolvió a ventas.",
            "Der Vertrieb hat mich an den technischen Support verwiesen und der technische "
            "Support wieder zurück an den Vertrieb.",
            "מחלקת המכירות שלחה אותי לתמיכה הטכנית, והתמיכה הטכנית החזירה אותי למכירות.",
        ),
        (
            "I spent an hour on the phone being passed around without ever reaching the right "
            "person.",
            "Ho passato un'ora al telefono rimbalzato da un operatore all'altro senza mai "
            "arrivare alla persona giusta.",
            "Pasé una hora al teléfono yendo de un agente a otro sin llegar nunca a la persona "
            "adecuada.",
            "Ich habe eine Stunde am Telefon verbracht und wurde herumgereicht, ohne je die "
            "richtige Person zu erreichen.",
            "ביליתי שעה בטלפון כשמעבירים אותי מנציג לנציג בלי להגיע אף פעם לאדם הנכון.",
        ),
    ),
}
