"""Builders of cases and commands for the domain's unit tests.

Every builder call makes fresh ids (case numbers, document ids), so no test shares data with
another. Cases in a given substatus are reached by playing real commands through `decide`,
never by constructing them, so they are always cases the domain itself could have produced.
"""

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from itertools import count
from types import MappingProxyType
from typing import Final

from casia_workflow.domain import (
    Action,
    Actor,
    ActorKind,
    AddInformation,
    ApproveAnnulment,
    Assign,
    Authorization,
    AuthorizationNumber,
    Case,
    CaseCommand,
    CaseNumber,
    CaseType,
    Channel,
    Classification,
    CloseExOfficio,
    DocumentId,
    Escalate,
    NewDocument,
    Nif,
    OpenCase,
    Person,
    Rate,
    Reclassify,
    RejectAnnulment,
    RequestAnnulment,
    RequestInformation,
    RequestReclassification,
    Resolve,
    Substatus,
    decide,
    information_deadline,
    open_case,
)

T0: Final = datetime(2025, 2, 3, 9, 30, tzinfo=UTC)
STEP: Final = timedelta(minutes=7)

AUTORIZADO: Final = Person(nif=Nif("12345678Z"), name="Juan Español Español")
CLERK: Final = Person(nif=Nif("87654321X"), name="Ana Tramitadora Pérez")
SECOND_CLERK: Final = Person(nif=Nif("11111111H"), name="Luis Segundo Nivel")

BY_AUTORIZADO: Final = Actor.autorizado(AUTORIZADO)
BY_CLERK: Final = Actor.clerk(CLERK)
BY_SYSTEM: Final = Actor.system()

_ids = count(1)


def new_case_number() -> CaseNumber:
    return CaseNumber(f"2025-CASIA-{next(_ids):07d}")


def new_document_id() -> DocumentId:
    return DocumentId(f"doc-{next(_ids):07d}")


def actor(kind: ActorKind) -> Actor:
    """The usual actor of that kind: our autorizado, our clerk, or the system."""
    if kind is ActorKind.AUTORIZADO:
        return BY_AUTORIZADO
    if kind is ActorKind.TRAMITADOR:
        return BY_CLERK
    return BY_SYSTEM


def classification(case_type: CaseType = CaseType.CONSULTA, *, subject: str = "AFI") -> Classification:
    return Classification(case_type=case_type, subject=subject, category="BAJAS", subcategory=None)


def upload(title: str = "Parte de baja") -> NewDocument:
    document_id = new_document_id()
    return NewDocument(
        document_id=document_id,
        document_type="justificante",
        title=title,
        file_name=f"{document_id}.pdf",
        size_bytes=48_213,
        content_type="application/pdf",
    )


def open_command(
    case_type: CaseType = CaseType.CONSULTA, *, documents: tuple[NewDocument, ...] = ()
) -> OpenCase:
    return OpenCase(
        number=new_case_number(),
        authorization=Authorization(
            number=AuthorizationNumber("123456"), holder_nif=Nif("B12345674"), business_name="Gestoría Sur SL"
        ),
        opened_by=AUTORIZADO,
        channel=Channel.WEB,
        classification=classification(case_type),
        affects_current_period=True,
        title="Baja no procesada",
        description="La baja del trabajador no aparece en el fichero de afiliación.",
        additional_data=(("naf", "281234567890"),),
        documents=documents,
    )


def opened(case_type: CaseType = CaseType.CONSULTA, *, documents: tuple[NewDocument, ...] = ()) -> Case:
    return open_case(open_command(case_type, documents=documents), at=T0).case


_FACTORIES: Final[Mapping[Action, Callable[[CaseNumber, Actor], CaseCommand]]] = MappingProxyType(
    {
        Action.ADD_INFORMATION: lambda n, a: AddInformation(
            case_number=n, actor=a, text="Adjunto el parte.", documents=(upload(),)
        ),
        Action.RECLASSIFY: lambda n, a: Reclassify(
            case_number=n, actor=a, classification=classification(CaseType.TRAMITE, subject="COT")
        ),
        Action.REQUEST_ANNULMENT: lambda n, a: RequestAnnulment(case_number=n, actor=a, reason="Duplicado"),
        Action.RATE: lambda n, a: Rate(case_number=n, actor=a, score=4, observations="Rápido"),
        Action.ASSIGN: lambda n, a: Assign(case_number=n, actor=a, assignee=CLERK),
        Action.ESCALATE: lambda n, a: Escalate(case_number=n, actor=a, observations="Segundo nivel"),
        Action.REQUEST_INFORMATION: lambda n, a: RequestInformation(
            case_number=n, actor=a, message="Aporte el parte de baja."
        ),
        Action.REQUEST_RECLASSIFICATION: lambda n, a: RequestReclassification(
            case_number=n, actor=a, message="Es un trámite de cotización."
        ),
        Action.APPROVE_ANNULMENT: lambda n, a: ApproveAnnulment(case_number=n, actor=a),
        Action.REJECT_ANNULMENT: lambda n, a: RejectAnnulment(
            case_number=n, actor=a, reason="La baja ya está en trámite."
        ),
        Action.RESOLVE: lambda n, a: Resolve(
            case_number=n, actor=a, answer="Baja procesada.", documents=(upload("Resolución"),)
        ),
        Action.CLOSE_EX_OFFICIO: lambda n, a: CloseExOfficio(case_number=n, actor=a),
    }
)


def command_for(action: Action, case: Case, *, by: Actor | None = None) -> CaseCommand:
    """A valid command for `action` on `case`, by the action's owner unless `by` says otherwise."""
    return _FACTORIES[action](case.number, by or actor(action.owner))


def due_time(case: Case, action: Action) -> datetime:
    """A time that satisfies the timing rules: the closure deadline for CLOSE_EX_OFFICIO, a few
    minutes after the last entry otherwise."""
    deadline = information_deadline(case) if action is Action.CLOSE_EX_OFFICIO else None
    return deadline or later(case)


def later(case: Case) -> datetime:
    """A few minutes after the last thing that happened to `case`."""
    return case.history[-1].at + STEP


def play(case: Case, *actions: Action) -> Case:
    """`case` after each action in turn, each with a valid command at a valid time."""
    for action in actions:
        case = decide(case, command_for(action, case), at=due_time(case, action)).case
    return case


PATHS: Final[Mapping[Substatus, tuple[Action, ...]]] = MappingProxyType(
    {
        Substatus.SUBMITTED: (),
        Substatus.ASSIGNED: (Action.ASSIGN,),
        Substatus.ESCALATED: (Action.ASSIGN, Action.ESCALATE),
        Substatus.INFORMATION_REQUESTED: (Action.ASSIGN, Action.REQUEST_INFORMATION),
        Substatus.RECLASSIFICATION_REQUESTED: (Action.ASSIGN, Action.REQUEST_RECLASSIFICATION),
        Substatus.ANNULMENT_REQUESTED: (Action.ASSIGN, Action.REQUEST_ANNULMENT),
        Substatus.RESOLVED: (Action.ASSIGN, Action.RESOLVE),
        Substatus.ANNULLED: (Action.REQUEST_ANNULMENT,),
        Substatus.CLOSED_EX_OFFICIO: (Action.ASSIGN, Action.REQUEST_INFORMATION, Action.CLOSE_EX_OFFICIO),
    }
)
"""A shortest way to each substatus from a freshly opened case."""


def case_in(substatus: Substatus, case_type: CaseType = CaseType.CONSULTA) -> Case:
    """A fresh case of `case_type` brought to `substatus` through the table."""
    return play(opened(case_type), *PATHS[substatus])
