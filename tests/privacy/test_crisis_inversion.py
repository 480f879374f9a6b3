"""Round 2 of the crisis detector (issue 14 items 1, 5): Dutch verb-subject order after a
fronted word or clause, and the frames found missing by an independent tester's corpus
(plans with a place, goodbyes, hidden self-harm, abuse by strangling, weapons or hunger,
sex while drunk, grooming by a much older person), while hyperbole, lessons, careers and
other people's resolved past stay quiet. The sentences here are variants written for these
tests, not the corpus's own."""

from __future__ import annotations

import pytest

from bot.privacy.crisis import compile_lexicon, detect_crisis
from bot.privacy.safety.lexicon import Lexicon, LexiconError
from bot.privacy.safety.normalize import normalize

FIRES = [
    # verb before subject after a fronted adverb or clause
    ("daarom snij ik mezelf", "nl", "self_harm"),
    ("als het te veel wordt doe ik mezelf pijn", "nl", "self_harm"),
    ("soms slaat hij me met een riem", "nl", "abuse"),
    # subordinate clause order
    ("wanneer ik me kras voel ik rust", "nl", "self_harm"),
    # plans, goodbyes, children reported by parents, messages for after
    ("zaterdag ga ik naar het spoor achter de school. dan is het over", "nl", "suicide"),
    ("mijn dochter zei vanmorgen dat ze dood wil", "nl", "suicide"),
    ("ik heb gegoogeld hoe je het het snelst kan doen", "nl", "suicide"),
    ("zeg tegen mijn vader dat het niet zijn schuld is", "nl", "suicide"),
    ("ik heb een touw verstopt om het mee te doen", "nl", "suicide"),
    ("als ik maandag niet op school ben weten jullie waarom", "nl", "suicide"),
    # hidden self-harm
    ("ik draag een trui in de zomer zodat niemand mijn littekens ziet", "nl", "self_harm"),
    ("ik heb een scheermesje in mijn tas voor als het thuis te veel wordt", "nl", "self_harm"),
    ("snijden is het enige wat nog helpt", "nl", "self_harm"),
    ("ik verdien gewoon pijn", "nl", "self_harm"),
    # abuse
    ("als mijn moeder dronken is verstoppen we ons op zolder", "nl", "abuse"),
    ("mijn stiefvader heeft me bij mijn keel gegrepen", "nl", "abuse"),
    ("als straf krijg ik vaak niks te eten", "nl", "abuse"),
    ("hij zei dat hij me dood slaat als ik het vertel", "nl", "abuse"),
    # sexual and online
    ("een jongen heeft dingen met me gedaan toen ik sliep", "nl", "sexual"),
    ("hij ging gewoon door toen ik stop zei", "nl", "sexual"),
    ("een man van 40 appt me elke avond", "nl", "online_sexual"),
    # thrown out, forced marriage
    ("mijn vader zegt dat ik moet oprotten", "nl", "unsafe_home"),
    ("ze hebben mijn paspoort afgepakt zodat ik niet weg kan", "nl", "unsafe_home"),
    # a second probe set, written after the first fixes
    ("na het weekend ben ik er toch niet meer dus maakt niet uit", "nl", "suicide"),
    ("morgenavond ga ik naar het dak van de parkeergarage en dan is het voorbij", "nl", "suicide"),
    ("mijn dochter van 13 zegt steeds dat ze niet meer wil leven", "nl", "suicide"),
    ("mijn zoon schreef in zijn dagboek dat hij dood wil", "nl", "suicide"),
    ("ik heb gezocht hoeveel pillen je nodig hebt", "nl", "suicide"),
    ("ik heb een brief geschreven voor mijn ouders voor als ik er niet meer ben", "nl", "suicide"),
    ("iedereen heeft meer aan me als ik er niet ben", "nl", "suicide"),
    ("ik ben alleen maar een last voor mijn familie", "nl", "suicide"),
    ("dit is mijn laatste appje, sorry voor alles", "nl", "suicide"),
    ("zeg maar tegen iedereen dat ik van ze hou", "nl", "suicide"),
    ("ik wil slapen en nooit meer wakker worden", "nl", "suicide"),
    ("ik zie geen enkele reden meer om door te gaan", "nl", "suicide"),
    ("heb een touw gekocht. ligt onder mijn bed", "nl", "suicide"),
    ("vanavond neem ik alle pillen die in huis zijn", "nl", "suicide"),
    ("als ik er morgen niet meer ben weet je waarom", "nl", "suicide"),
    ("ik heb weer gesneden vannacht", "nl", "self_harm"),
    ("omdat ik het verdien kras ik mezelf", "nl", "self_harm"),
    ("in de zomer draag ik altijd een vest vanwege de littekens op mijn armen", "nl", "self_harm"),
    ("ik heb een scheermesje onder mijn matras liggen", "nl", "self_harm"),
    ("als ik boos ben sla ik mezelf", "nl", "self_harm"),
    ("na school snij ik mezelf in mijn been", "nl", "self_harm"),
    ("ik brand mezelf met een aansteker als het te veel wordt", "nl", "self_harm"),
    ("de pijn van snijden maakt me rustig", "nl", "self_harm"),
    ("als mijn vader gedronken heeft slaat hij mijn moeder", "nl", "abuse"),
    ("gisteren heeft hij me bij mijn nek gegrepen en tegen de kast gegooid", "nl", "abuse"),
    ("mijn moeder krijgt klappen van mijn stiefvader", "nl", "abuse"),
    ("ik krijg geen eten als ik mijn kamer niet opruim", "nl", "abuse"),
    ("als ik te laat ben krijg ik klappen", "nl", "abuse"),
    ("mijn vader heeft een mes gepakt en gezegd dat hij ons allemaal vermoordt", "nl", "abuse"),
    ("mijn oom zegt dat hij me kapot maakt als ik iets zeg", "nl", "abuse"),
    ("elke keer als hij boos is moet ik me verstoppen", "nl", "abuse"),
    ("ze sluiten me op in de schuur als straf", "nl", "abuse"),
    ("mijn moeder heeft weer een blauw oog", "nl", "abuse"),
    ("mijn stiefvader komt 's nachts op mijn kamer", "nl", "sexual"),
    ("hij heeft me gedwongen om hem te pijpen", "nl", "sexual"),
    ("op het feest heeft hij me aangeraakt terwijl ik sliep", "nl", "sexual"),
    ("mijn trainer zegt dat het ons geheimpje is", "nl", "sexual"),
    ("ik zei nee maar hij hield niet op", "nl", "sexual"),
    ("hij stopte niet toen ik nee zei", "nl", "sexual"),
    ("mijn zoon vertelde dat de buurman aan zijn piemel heeft gezeten", "nl", "sexual"),
    (
        "iemand die ik op snapchat ken wil dat ik foto's in mijn ondergoed stuur",
        "nl",
        "online_sexual",
    ),
    (
        "een man van 35 wil met me afspreken en zegt dat ik het aan niemand mag vertellen",
        "nl",
        "online_sexual",
    ),
    ("hij heeft een naaktfoto van mij en wil geld", "nl", "online_sexual"),
    ("ze hebben een filmpje van mij in de kleedkamer gemaakt", "nl", "online_sexual"),
    (
        "hij zegt dat iedereen op school mijn foto's krijgt als ik niet betaal",
        "nl",
        "online_sexual",
    ),
    ("mijn ouders hebben me eruit gezet en ik weet niet waar ik moet slapen", "nl", "unsafe_home"),
    ("mijn ouders willen dat ik in de zomer trouw met mijn neef", "nl", "unsafe_home"),
    ("ik durf niet naar huis vanavond", "nl", "unsafe_home"),
    ("ik ben van huis weggelopen en slaap nu bij het station", "nl", "unsafe_home"),
    ("i wrote letters for everyone for when i'm gone", "en", "suicide"),
    ("everyone would be better off if i wasn't here", "en", "suicide"),
    ("i looked up how many pills it takes", "en", "suicide"),
    ("i wear hoodies in summer so nobody sees my scars", "en", "self_harm"),
    ("my dad said he'd kill me if i told anyone", "en", "abuse"),
    ("he kept going even when i said no", "en", "sexual"),
    ("a guy i met on roblox keeps asking for pics of me", "en", "online_sexual"),
    ("nie chcę już żyć", "pl", "suicide"),
    ("artık yaşamak istemiyorum", "tr", "suicide"),
    ("لا أريد أن أعيش بعد الآن", "ar", "suicide"),
    # a third probe set: verb-subject order with a person ("gooit mijn vader"), more frames
    ("ik heb besloten dat ik na de kerst stop met alles", "nl", "suicide"),
    ("als ik van de brug spring voel ik tenminste niks meer", "nl", "suicide"),
    ("hoe lang duurt het voordat je doodgaat als je van 10 meter valt", "nl", "suicide"),
    ("straks ben ik eindelijk vrij, niemand hoeft zich meer zorgen te maken", "nl", "suicide"),
    ("ik wil gewoon voor altijd weg", "nl", "suicide"),
    ("ik heb een plan en een datum", "nl", "suicide"),
    ("ik ben zo moe van alles, ik wil niet meer", "nl", "suicide"),
    ("mijn kind van 11 zegt dat hij beter dood kan zijn", "nl", "suicide"),
    ("wat is de snelste manier om te sterven", "nl", "suicide"),
    ("ik kijk steeds naar de trein en denk: één stap", "nl", "suicide"),
    ("niemand gaat me missen toch", "nl", "suicide"),
    ("iedereen zou opgelucht zijn als ik weg ben", "nl", "suicide"),
    ("ik heb mijn arm opengehaald met een glasscherf", "nl", "self_harm"),
    ("mn benen zitten vol met sneetjes", "nl", "self_harm"),
    ("ik bonk met mijn hoofd tegen de muur tot het bloedt", "nl", "self_harm"),
    ("elke avond doe ik het weer met het mesje", "nl", "self_harm"),
    ("ik durf niet meer te zwemmen door mijn littekens", "nl", "self_harm"),
    ("het lucht op als ik mezelf pijn doe", "nl", "self_harm"),
    ("thuis gooit mijn vader met dingen als hij boos is", "nl", "abuse"),
    ("mijn moeder zegt dat ze me in elkaar slaat als ik niet luister", "nl", "abuse"),
    ("ik heb blauwe plekken op mijn rug van mijn vader", "nl", "abuse"),
    ("mn stiefmoeder laat me buiten slapen als straf", "nl", "abuse"),
    ("als hij dronken is slaat hij ons", "nl", "abuse"),
    ("mijn vader heeft me vastgebonden", "nl", "abuse"),
    ("mijn broer heeft me gewurgd", "nl", "abuse"),
    ("de vriend van mijn moeder komt altijd op mijn bed zitten en raakt me aan", "nl", "sexual"),
    ("ik werd wakker en hij lag naast me met zijn hand in mijn broek", "nl", "sexual"),
    ("hij heeft foto's van me gemaakt toen ik naakt was", "nl", "online_sexual"),
    ("ik moest hem aanraken van hem", "nl", "sexual"),
    ("hij dwong me om seks te hebben", "nl", "sexual"),
    ("iemand dreigt mijn naaktjes te verspreiden", "nl", "online_sexual"),
    ("hij wil dat ik op de cam mijn shirt uitdoe", "nl", "online_sexual"),
    (
        "een jongen van 19 vraagt steeds om foto's van mij in bikini en ik ben 12",
        "nl",
        "online_sexual",
    ),
    (
        "ik heb een foto gestuurd en nu wil hij er meer anders stuurt hij hem door",
        "nl",
        "online_sexual",
    ),
    ("ik slaap al een week bij vrienden omdat ik niet thuis mag komen", "nl", "unsafe_home"),
    ("ik durf niet naar huis want mijn vader is dronken", "nl", "unsafe_home"),
    ("mijn ouders gaan me naar het buitenland sturen om te trouwen", "nl", "unsafe_home"),
    ("ik ben weggelopen en weet niet waar ik heen moet", "nl", "unsafe_home"),
    ("i've decided i'm not going to be here much longer", "en", "suicide"),
    ("i just want to disappear forever", "en", "suicide"),
    ("i relapsed last night, cut again", "en", "self_harm"),
    ("my stepdad choked me last night", "en", "abuse"),
    ("my uncle touches me when nobody is home", "en", "sexual"),
    ("he says he'll send the video to my parents unless i pay", "en", "online_sexual"),
    ("my parents kicked me out and i have nowhere to sleep", "en", "unsafe_home"),
    ("kendimi öldürmek istiyorum", "tr", "suicide"),
    ("babam annemi dövüyor", "tr", "abuse"),
    ("أبي يضربني كل يوم", "ar", "abuse"),
    ("ojczym mnie bije", "pl", "abuse"),
    ("nie chcę się obudzić", "pl", "suicide"),
    # a fourth probe set, all five languages
    ("ik heb mijn afscheidsbrief al geschreven", "nl", "suicide"),
    ("na vandaag hoeven jullie je geen zorgen meer om mij te maken", "nl", "suicide"),
    ("ik wil er gewoon niet meer zijn", "nl", "suicide"),
    ("soms denk ik dat het beter is als ik niet meer wakker word", "nl", "suicide"),
    ("mijn zoon heeft gezegd dat hij zichzelf iets wil aandoen", "nl", "suicide"),
    ("ik heb alle pillen van mijn oma gepakt", "nl", "suicide"),
    ("ik sta nu op het dak", "nl", "suicide"),
    ("ik kras weer sinds vorige week", "nl", "self_harm"),
    ("ik heb mezelf gisteren weer gesneden", "nl", "self_harm"),
    ("ik knijp mezelf tot ik blauwe plekken heb", "nl", "self_harm"),
    ("mijn vader trapt me als hij dronken is", "nl", "abuse"),
    ("mn moeder heeft me met de riem geslagen", "nl", "abuse"),
    ("ik word thuis elke dag uitgescholden en geslagen", "nl", "abuse"),
    ("mijn stiefvader zegt dat ik dood moet", "nl", "abuse"),
    ("mijn oom heeft me betast op de verjaardag", "nl", "sexual"),
    ("hij heeft seks met me gehad terwijl ik dat niet wilde", "nl", "sexual"),
    ("ik ben verkracht op een feestje", "nl", "sexual"),
    ("hij dreigt mijn filmpje online te zetten", "nl", "online_sexual"),
    ("iemand op insta vraagt om naaktfoto's", "nl", "online_sexual"),
    ("ik ben bang om naar huis te gaan", "nl", "unsafe_home"),
    ("ik ben al drie dagen niet thuis geweest omdat het daar niet veilig is", "nl", "unsafe_home"),
    ("i want to end it all", "en", "suicide"),
    ("nobody would care if i died", "en", "suicide"),
    ("i've been saving up my pills", "en", "suicide"),
    ("tonight's the night. goodbye everyone", "en", "suicide"),
    ("i burn myself with a lighter", "en", "self_harm"),
    ("i hide the cuts on my thighs", "en", "self_harm"),
    ("my mom's boyfriend hits her and me", "en", "abuse"),
    ("my dad locks me in my room without food", "en", "abuse"),
    ("my coach touched me in a way i didn't like", "en", "sexual"),
    ("i was raped at a party", "en", "sexual"),
    ("someone is threatening to post my nudes", "en", "online_sexual"),
    ("i'm scared to go home tonight", "en", "unsafe_home"),
    ("herkes bensiz daha mutlu olur", "tr", "suicide"),
    ("hapları biriktirdim", "tr", "suicide"),
    ("kendimi kesiyorum", "tr", "self_harm"),
    ("babam beni kemerle dövdü", "tr", "abuse"),
    ("amcam bana dokunuyor", "tr", "sexual"),
    ("çıplak fotoğraflarımı yaymakla tehdit ediyor", "tr", "online_sexual"),
    ("evden kaçtım, sokakta yatıyorum", "tr", "unsafe_home"),
    ("أريد أن أموت", "ar", "suicide"),
    ("الكل سيكون أفضل بدوني", "ar", "suicide"),
    ("أجرح نفسي بالموس", "ar", "self_harm"),
    ("زوج أمي يضربني بالحزام", "ar", "abuse"),
    ("عمي يلمسني", "ar", "sexual"),
    ("يهددني بنشر صوري", "ar", "online_sexual"),
    ("هربت من البيت", "ar", "unsafe_home"),
    ("chcę umrzeć", "pl", "suicide"),
    ("wszyscy będą szczęśliwsi jak mnie nie będzie", "pl", "suicide"),
    ("tnę się żyletką", "pl", "self_harm"),
    ("tata bije mnie pasem", "pl", "abuse"),
    ("wujek mnie dotyka", "pl", "sexual"),
    ("grozi, że wyśle moje nagie zdjęcia", "pl", "online_sexual"),
    ("uciekłam z domu", "pl", "unsafe_home"),
    # a fifth probe set: Dutch suicidal hints without a death word
    ("wat heeft het allemaal nog voor zin", "nl", "suicide"),
    ("ik tel de dagen tot ik het ga doen", "nl", "suicide"),
    ("ik weet al hoe ik het ga doen", "nl", "suicide"),
    ("binnenkort is het voorbij, dat heb ik besloten", "nl", "suicide"),
    ("ik heb geen toekomst, dat weet ik gewoon", "nl", "suicide"),
    ("ik wil niet meer wakker worden morgen", "nl", "suicide"),
    ("ik zou willen dat ik kon verdwijnen en nooit meer terug hoefde", "nl", "suicide"),
    ("niemand snapt het, het is beter zo als ik er niet ben", "nl", "suicide"),
    ("ik ben het zo zat om te leven", "nl", "suicide"),
    ("volgende week ben ik er niet meer", "nl", "suicide"),
    ("ik heb er lang over nagedacht en ik ga het echt doen", "nl", "suicide"),
    ("mijn beslissing staat vast, ik stop ermee", "nl", "suicide"),
    ("ik heb mijn spullen al verdeeld", "nl", "suicide"),
    ("wie krijgt mijn kat als ik er niet meer ben", "nl", "suicide"),
    ("ik denk er vaak aan om voor een auto te lopen", "nl", "suicide"),
    ("hoeveel paracetamol is te veel", "nl", "suicide"),
    ("het voelt alsof ik er niet meer bij hoor, alsof ik beter weg kan zijn", "nl", "suicide"),
    ("ik wil niet meer leven", "nl", "suicide"),
    ("ik hou het niet meer vol, ik wil dat het ophoudt", "nl", "suicide"),
    # a sixth probe set: abuse and an unsafe home told as a story
    ("toen ik thuiskwam was hij weer dronken en begon hij te slaan", "nl", "abuse"),
    ("mijn moeder zegt dat ik niks waard ben en geeft me dan een klap", "nl", "abuse"),
    ("ik moet van mijn vader in de kelder slapen als ik iets fout doe", "nl", "abuse"),
    ("mijn vader heeft mijn arm gebroken maar ik moest zeggen dat ik gevallen was", "nl", "abuse"),
    ("ik mag van mijn ouders niet zeggen waar de blauwe plekken vandaan komen", "nl", "abuse"),
    ("ik kan niet meer thuis blijven, het is daar te gevaarlijk", "nl", "unsafe_home"),
    ("ik heb mijn tas gepakt en ben vertrokken, ik ga nooit meer terug", "nl", "unsafe_home"),
    ("ik slaap nu al een paar nachten in de trein", "nl", "unsafe_home"),
    (
        "mijn buurman laat me dingen zien op zijn telefoon en zegt dat ik het niet mag vertellen",
        "nl",
        "sexual",
    ),
    ("ik werd wakker en mijn broek was uit", "nl", "sexual"),
    (
        "ik heb foto's gestuurd naar iemand die ik niet ken en nu chanteert hij me",
        "nl",
        "online_sexual",
    ),
    ("my dad throws things at me when he's angry", "en", "abuse"),
    ("i ran away and i'm staying at a stranger's place", "en", "unsafe_home"),
    ("he made me do stuff i didn't want to", "en", "sexual"),
    # a seventh probe set: the round-2 frames in English, Turkish, Arabic and Polish
    ("i've written a note for my mum for after", "en", "suicide"),
    ("i don't think i'll be around next week", "en", "suicide"),
    ("what's the point of anything anymore", "en", "suicide"),
    ("i have a plan and i know when", "en", "suicide"),
    ("cutting is the only thing that helps", "en", "self_harm"),
    ("i keep a blade in my pencil case just in case", "en", "self_harm"),
    ("my dad grabbed me by the throat", "en", "abuse"),
    ("i hide in my room when my dad is drunk", "en", "abuse"),
    ("he did things to me when i was drunk", "en", "sexual"),
    ("a 30 year old man keeps messaging me and i'm 13", "en", "online_sexual"),
    ("my parents want me to marry someone back home", "en", "unsafe_home"),
    ("artık dayanamıyorum, her şeyi bitirmek istiyorum", "tr", "suicide"),
    ("yakında burada olmayacağım", "tr", "suicide"),
    ("kollarımı jiletle kesiyorum", "tr", "self_harm"),
    ("babam annemi bıçakla tehdit etti", "tr", "abuse"),
    ("sarhoşken bana bir şeyler yaptı", "tr", "sexual"),
    ("oyunda tanıştığım adam benden çıplak fotoğraf istiyor", "tr", "online_sexual"),
    ("ailem beni zorla evlendirmek istiyor", "tr", "unsafe_home"),
    ("كتبت رسالة وداع لأهلي", "ar", "suicide"),
    ("أخبئ الجروح في يدي", "ar", "self_harm"),
    ("أبي خنقني", "ar", "abuse"),
    ("عمل معي أشياء وأنا نائمة", "ar", "sexual"),
    ("طردوني من البيت", "ar", "unsafe_home"),
    ("nie widzę sensu życia", "pl", "suicide"),
    ("napisałam list pożegnalny", "pl", "suicide"),
    ("ukrywam blizny pod długimi rękawami", "pl", "self_harm"),
    ("ojciec dusił mnie", "pl", "abuse"),
    ("zrobił mi to kiedy spałam", "pl", "sexual"),
    ("grozi że roześle moje zdjęcia jak mu nie zapłacę", "pl", "online_sexual"),
    ("wyrzucili mnie z domu", "pl", "unsafe_home"),
]

QUIET = [
    ("als ik die toets niet haal ga ik dood", "nl"),
    ("ik ga dood van deze hitte", "nl"),
    ("na het zwemmen kan ik echt niet meer", "nl"),
    ("mijn leven is voorbij want mijn iphone is kapot", "nl"),
    ("de mentor zei dat we voorzichtig moeten zijn met naaktfoto's delen", "nl"),
    ("ik wil later advocaat worden om kinderen te helpen die mishandeld worden", "nl"),
    ("pillen slikken is zo lastig voor mij", "nl"),
    ("mijn nicht deed vroeger aan zelfbeschadiging maar nu gaat het echt beter", "nl"),
    ("mijn zusje zegt dat ze wegloopt als ze geen snoep krijgt", "nl"),
    ("de school moet meer doen tegen grooming", "nl"),
    ("mijn moeder slaat de deur dicht als ze boos is", "nl"),
    ("ik ga dood als ik die docent nog één keer zie", "nl"),
    ("ik ga echt dood van schaamte haha", "nl"),
    ("na de wedstrijd kon ik echt niet meer", "nl"),
    ("mijn leven is voorbij, mijn moeder heeft mijn telefoon afgepakt", "nl"),
    ("we hadden een les over loverboys en dat was best eng", "nl"),
    ("de politie zei in de klas dat je nooit naaktfoto's moet sturen", "nl"),
    ("in het nieuws was een jongen mishandeld door een groep", "nl"),
    ("ik wil later psycholoog worden en jongeren helpen die zichzelf pijn doen", "nl"),
    ("mijn vriend had vroeger een moeilijke thuissituatie maar nu gaat het goed", "nl"),
    ("ik moet elke dag pillen nemen voor mijn epilepsie", "nl"),
    ("mijn neefje van 4 zei dat hij wegloopt als hij niet mag gamen", "nl"),
    ("ik vind het belangrijk dat er meer aandacht komt voor zelfbeschadiging", "nl"),
    ("mijn opa is vorig jaar doodgegaan", "nl"),
    ("ik draag lange mouwen omdat ik het koud heb", "nl"),
    ("ik heb littekens van de waterpokken", "nl"),
    ("de kat heeft me gekrabd", "nl"),
    ("daarom ga ik morgen naar de brug om te vissen", "nl"),
    ("als ik alleen ben doe ik mijn huiswerk", "nl"),
    ("mijn broer slaat de bal heel hard", "nl"),
    ("op school hebben we geleerd wat je moet doen als iemand je chanteert", "nl"),
    ("ik heb een mesje in mijn etui voor het puntenslijpen", "nl"),
    ("mijn moeder zei dat ik mijn spullen moet pakken voor de vakantie", "nl"),
    (
        "vrijdag ga ik met mijn vader naar de brug om foto's te maken, dan is het weekend klaar",
        "nl",
    ),
    ("i'm literally dead after that test lol", "en"),
    ("we watched a video about self harm in health class", "en"),
    ("my cousin used to get bullied but now she's fine", "en"),
    ("umieram ze śmiechu", "pl"),
    ("gülmekten öldüm", "tr"),
    ("ik stop met alles behalve voetbal", "nl"),
    ("ik ben zo moe, ik wil slapen", "nl"),
    ("gister zijn we van de duikplank gesprongen, zo leuk", "nl"),
    ("de trein had vertraging dus ik was te laat", "nl"),
    ("mijn hond is doodgegaan en ik ben verdrietig", "nl"),
    ("mijn vader was boos omdat ik te laat was", "nl"),
    ("ik heb geen zin in school", "nl"),
    ("we hebben een film gezien over pesten", "nl"),
    ("mijn broertje en ik slaan elkaar altijd met kussens", "nl"),
    ("ik snij de groenten voor het eten", "nl"),
    ("ik heb me gesneden aan papier", "nl"),
    ("ik wil een plan maken voor de zomer", "nl"),
    ("ik heb een afscheidsfeest van mijn juf", "nl"),
    ("niemand heeft me gisteren gebeld", "nl"),
    ("ik heb geen plek in de klas om te zitten", "nl"),
    ("hij heeft foto's gemaakt van de vakantie", "nl"),
    ("mijn moeder dreigt mijn telefoon af te pakken", "nl"),
    ("ik ben zo blij dat ik er ben", "nl"),
    ("ik mag niet naar het feest van mijn ouders", "nl"),
    ("mijn oma neemt elke dag pillen voor haar hart", "nl"),
    ("i'm dead tired after work", "en"),
    ("my brother kicked me in the game lol", "en"),
    ("mój brat mnie wkurza", "pl"),
    ("annem bana kızdı çünkü geç kaldım", "tr"),
    ("ik heb een brief geschreven aan de burgemeester", "nl"),
    ("zorgen maken om mijn cijfers doe ik altijd", "nl"),
    ("we stonden op het dak van de school voor een foto", "nl"),
    ("mijn oma heeft pillen voor haar bloeddruk", "nl"),
    ("ik knijp in mijn stressbal", "nl"),
    ("mijn vader trapt op de rem", "nl"),
    ("ik word thuis elke dag wakker om 7 uur", "nl"),
    ("hij zette een filmpje online over zijn hond", "nl"),
    ("ik ben bang voor spinnen", "nl"),
    ("i want to end this game", "en"),
    ("my dad hit the car in front of us", "en"),
    ("i hide my snacks from my brother", "en"),
    ("okul beni öldürüyor haha", "tr"),
    ("أموت من الضحك", "ar"),
    ("tata kupił mi nowy telefon", "pl"),
    ("wat heeft dit huiswerk nog voor zin", "nl"),
    ("ik tel de dagen tot de vakantie", "nl"),
    ("ik weet al hoe ik mijn spreekbeurt ga doen", "nl"),
    ("binnenkort is het schooljaar voorbij", "nl"),
    ("volgende week ben ik er niet, dan ben ik op kamp", "nl"),
    ("ik ga het echt doen, ik ga me inschrijven voor de marathon", "nl"),
    ("ik stop ermee, met voetbal bedoel ik", "nl"),
    ("ik heb mijn snoep verdeeld met mijn zusje", "nl"),
    ("ik ben het zo zat om elke dag vroeg op te staan", "nl"),
    # everyday texts sharing words with disclosures
    ("mijn vader heeft me geleerd hoe je moet slaan bij honkbal", "nl"),
    ("ik heb een blauwe plek van voetbal", "nl"),
    ("mijn broertje heeft zijn arm gebroken met skaten", "nl"),
    ("ik slaap vannacht bij mijn oma", "nl"),
    ("ik heb mijn tas gepakt voor het schoolkamp", "nl"),
    ("we gaan met de trein naar Parijs", "nl"),
    ("mijn opa is vorige week overleden, ik mis hem", "nl"),
    ("ik ben bang dat ik zak voor mijn examen", "nl"),
    ("mijn zus heeft een vriend en ze zoenen de hele tijd, bah", "nl"),
    ("mijn moeder is boos want ik heb mijn kamer niet opgeruimd", "nl"),
    ("we hebben een escape room gedaan, ik kon er niet uit haha", "nl"),
    ("ik ben kapot, ik wil slapen", "nl"),
    ("mijn leraar zei dat ik de sloom ben", "nl"),
    ("ik wil weg uit deze saaie stad", "nl"),
    ("ik moet van mijn moeder om tien uur thuis zijn", "nl"),
    ("ik vind het eng om alleen thuis te zijn als het onweert", "nl"),
    ("ik schaam me dood voor mijn ouders", "nl"),
    ("ik heb geen zin meer in voetbal", "nl"),
    ("het nieuws over de oorlog maakt me bang", "nl"),
    ("we kregen les over EHBO en reanimeren", "nl"),
    ("mijn kat heeft muizen gedood", "nl"),
    ("mijn vader rookt en dat vind ik vies", "nl"),
    ("mijn ex stuurt me steeds berichtjes, zo irritant", "nl"),
    ("ik heb een foto van mijn hond op insta gezet", "nl"),
    ("i'm gonna kill my brother if he eats my pizza lol", "en"),
    ("this homework is killing me", "en"),
    ("my parents are strict, i can't go out after 9", "en"),
    ("zabiję się śmiechem", "pl"),
    ("annem beni öldürecek çünkü vazoyu kırdım haha", "tr"),
    ("أمي ستقتلني لأني تأخرت هههه", "ar"),
    ("i wrote a note to my teacher", "en"),
    ("cutting paper is the only thing that helps me relax lol", "en"),
    ("ödevler beni bitirdi", "tr"),
    ("أمي طبخت لنا أكلة لذيذة", "ar"),
    ("napisałam list do babci", "pl"),
]


@pytest.mark.parametrize(("text", "language", "category"), FIRES)
def test_round_two_frames_fire_with_their_category(text: str, language: str, category: str) -> None:
    signal = detect_crisis(text, (language,))
    assert signal is not None, text
    assert category in signal.categories


@pytest.mark.parametrize(("text", "language"), QUIET)
def test_round_two_hyperbole_topics_and_resolved_past_stay_quiet(text: str, language: str) -> None:
    assert detect_crisis(text, (language,)) is None


def _lexicon(**extra: object) -> Lexicon:
    data = {"language": "xx", "categories": {"self_harm": ["ik doe mezelf pijn"]}, **extra}
    return compile_lexicon(data)


def _matches(lexicon: Lexicon, text: str) -> bool:
    return bool(lexicon.match(normalize(text, clauses=True)))


def test_verb_subject_order_is_read_as_subject_verb_only_with_inversion() -> None:
    inversion = {"subjects": ["ik"], "conjunctions": ["als"]}
    plain = _lexicon()
    inverted = _lexicon(inversion=inversion)
    assert not _matches(plain, "daarom doe ik mezelf pijn")
    assert _matches(inverted, "daarom doe ik mezelf pijn")
    assert _matches(inverted, "ik doe mezelf pijn")
    # a subject at the start of a clause or after a conjunction is not moved
    assert not _matches(inverted, "doe. ik mezelf pijn")
    with_conjunction = compile_lexicon(
        {"language": "xx", "categories": {"self_harm": ["ik als"]}, "inversion": inversion}
    )
    assert not _matches(with_conjunction, "als ik")


def test_a_determiner_and_a_person_count_as_a_subject() -> None:
    inversion = {
        "subjects": ["ik"],
        "conjunctions": ["als"],
        "determiners": ["mijn"],
        "nouns": ["vader"],
    }
    data = {"language": "xx", "categories": {"abuse": ["mijn vader slaat me"]}}
    lexicon = compile_lexicon({**data, "inversion": inversion})
    assert _matches(lexicon, "thuis slaat mijn vader me")
    assert not _matches(compile_lexicon(data), "thuis slaat mijn vader me")
    # only listed persons: "mijn fiets" is no subject
    other = compile_lexicon(
        {**data, "categories": {"abuse": ["mijn fiets slaat me"]}, "inversion": inversion}
    )
    assert not _matches(other, "thuis slaat mijn fiets me")


def test_inversion_needs_single_word_subjects_and_conjunctions() -> None:
    with pytest.raises(LexiconError):
        _lexicon(inversion=["ik"])
    with pytest.raises(LexiconError):
        _lexicon(inversion={"subjects": ["ik wil"], "conjunctions": ["als"]})
    with pytest.raises(LexiconError):
        _lexicon(inversion={"subjects": ["ik"], "conjunctions": ["als"], "nouns": ["vader"]})
