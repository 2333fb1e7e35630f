"""The shipped questionnaires: entry and exit, for mentees and for mentors.

In the spirit of the target model's methodology (Р-145, monitoring of the programme's quality
and of its effect on participants): the entry questionnaire asks what a participant expects
and where they stand; the exit questionnaire asks the same scale questions again (so that
the change can be computed per participant: questions are matched by their text) and adds
how the programme went. The exit questions marked `satisfaction` make the satisfaction
indicators (efficiency indicators 5 and 6 of seed 002).

The texts are data shown to participants, in Russian; they are not interface strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SCALE_HINT = " (где 1 — самый низкий балл, 10 — самый высокий)"


@dataclass(frozen=True)
class Q:
    text: str
    type: str  # SurveyQuestion.Type value
    required: bool = True
    satisfaction: bool = False
    choices: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DefaultTemplate:
    code: str
    title: str
    audience: str  # SurveyTemplate.Audience value
    kind: str  # SurveyCampaign.Kind value the questionnaire is meant for
    questions: list[Q]


def _scale(text: str, *, satisfaction: bool = False) -> Q:
    return Q(text=text + SCALE_HINT, type="scale", satisfaction=satisfaction)


# Scale questions asked on entry and again on exit (same text: the change is computed).
MENTEE_COMMON = [
    _scale("Насколько вы уверены в своих силах в учёбе и будущей профессии?"),
    _scale("Насколько легко вам ставить цели и планировать шаги к ним?"),
    _scale("Насколько комфортно вам обращаться за помощью и советом к старшим и коллегам?"),
    _scale("Насколько вы представляете свою будущую работу по специальности?"),
]
MENTOR_COMMON = [
    _scale("Насколько вы уверены в своих навыках наставника?"),
    _scale("Насколько легко вам выстраивать доверительное общение с наставляемым?"),
    _scale("Насколько вы владеете приёмами постановки целей и обратной связи?"),
]

DEFAULTS: list[DefaultTemplate] = [
    DefaultTemplate(
        code="mentee_entry",
        title="Входное анкетирование наставляемого",
        audience="mentee",
        kind="entry",
        questions=[
            *MENTEE_COMMON,
            _scale("Насколько полезной, по вашим ожиданиям, будет для вас программа "
                   "наставничества?"),
            Q(text="Что вы ждёте от наставничества в первую очередь?", type="multiple",
              choices=["Помощь в учёбе", "Поддержку в трудной ситуации",
                       "Знакомство с профессией и работодателем",
                       "Участие в конкурсах и проектах", "Помощь в адаптации в коллективе",
                       "Другое"]),
            Q(text="Был ли у вас раньше опыт работы с наставником?", type="yes_no"),
            Q(text="Какие темы вы хотели бы обсудить с наставником?", type="text",
              required=False),
        ],
    ),
    DefaultTemplate(
        code="mentee_exit",
        title="Итоговое анкетирование наставляемого",
        audience="mentee",
        kind="exit",
        questions=[
            *MENTEE_COMMON,
            _scale("Насколько полезной оказалась для вас программа наставничества?",
                   satisfaction=True),
            _scale("Насколько комфортно вам было общаться с наставником?", satisfaction=True),
            _scale("Насколько полезными были встречи с наставником?", satisfaction=True),
            _scale("Насколько оправдались ваши ожидания от наставничества?",
                   satisfaction=True),
            Q(text="Как часто вы встречались с наставником?", type="single",
              choices=["Раз в неделю и чаще", "Раз в две недели", "Раз в месяц",
                       "Реже раза в месяц"]),
            Q(text="Хотели бы вы продолжить работу с наставником?", type="yes_no"),
            Q(text="Что было самым ценным в наставничестве?", type="text", required=False),
            Q(text="Чего вам не хватило?", type="text", required=False),
        ],
    ),
    DefaultTemplate(
        code="mentor_entry",
        title="Входное анкетирование наставника",
        audience="mentor",
        kind="entry",
        questions=[
            *MENTOR_COMMON,
            _scale("Насколько полезной, по вашим ожиданиям, будет программа для ваших "
                   "наставляемых?"),
            Q(text="Что вас побудило стать наставником?", type="multiple",
              choices=["Желание передать опыт", "Интерес к работе с молодёжью",
                       "Профессиональное развитие", "Поручение руководства", "Другое"]),
            Q(text="Проходили ли вы обучение наставников?", type="yes_no"),
            Q(text="Какая поддержка куратора вам понадобится?", type="text", required=False),
        ],
    ),
    DefaultTemplate(
        code="mentor_exit",
        title="Итоговое анкетирование наставника",
        audience="mentor",
        kind="exit",
        questions=[
            *MENTOR_COMMON,
            _scale("Насколько полезной оказалась программа для ваших наставляемых?",
                   satisfaction=True),
            _scale("Насколько комфортно вам было работать с наставляемыми?",
                   satisfaction=True),
            _scale("Насколько вы удовлетворены организацией программы и поддержкой "
                   "куратора?", satisfaction=True),
            _scale("Насколько оправдались ваши ожидания от участия в программе?",
                   satisfaction=True),
            Q(text="Хотели бы вы продолжить быть наставником в следующем году?",
              type="yes_no"),
            Q(text="Что было самым ценным в работе наставника?", type="text",
              required=False),
            Q(text="Чего вам не хватило (время, обучение, материалы, поддержка)?",
              type="text", required=False),
        ],
    ),
]
