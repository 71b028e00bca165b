"""FastAPI dependencies that turn the bearer token into a :class:`Caller` and check access."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from casia_intake.auth import AuthorizationClaim, Caller, InvalidToken, Role
from casia_intake.entrypoints.dependencies import Verifier
from casia_intake.entrypoints.problems import Problem
from casia_runtime.logging import get_logger

log = get_logger(__name__)

_bearer = HTTPBearer(auto_error=False, description="JWT del usuario (ver API.md, Identity)")

_UNAUTHENTICATED = {"WWW-Authenticate": 'Bearer realm="casia"'}


async def current_caller(
    verifier: Verifier,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Problem(
            401,
            "unauthorized",
            "Autenticación requerida",
            "Falta la cabecera Authorization: Bearer <token>.",
            headers=_UNAUTHENTICATED,
        )
    try:
        return await verifier.verify(credentials.credentials)
    except InvalidToken as error:
        log.info("auth.token_refused", reason=str(error))  # the library's words stay in our logs
        raise Problem(
            401,
            "invalid-token",
            "Token no válido",
            "El token no es válido, ha caducado o no es de este servicio.",
            headers=_UNAUTHENTICATED,
        ) from error


CurrentCaller = Annotated[Caller, Depends(current_caller)]


async def autorizado(caller: CurrentCaller) -> Caller:
    if not caller.has_role(Role.AUTORIZADO):
        raise Problem(403, "forbidden", "Acceso no permitido", "Esta operación requiere el rol 'autorizado'.")
    return caller


Autorizado = Annotated[Caller, Depends(autorizado)]


async def tramitador(caller: CurrentCaller) -> Caller:
    if not caller.has_role(Role.TRAMITADOR):
        raise Problem(403, "forbidden", "Acceso no permitido", "Esta operación requiere el rol 'tramitador'.")
    return caller


Clerk = Annotated[Caller, Depends(tramitador)]


async def acting_authorization(
    caller: Autorizado,
    authorization: Annotated[str, Path(description="Número de autorización RED")],
) -> AuthorizationClaim:
    """The authorization in the path, which the caller must hold (403 otherwise)."""
    held = caller.authorization(authorization)
    if held is None:
        raise Problem(
            403,
            "authorization-not-held",
            "Autorización no asignada",
            "El usuario no está de alta en la autorización indicada.",
        )
    return held


ActingAuthorization = Annotated[AuthorizationClaim, Depends(acting_authorization)]


@dataclass(frozen=True, slots=True)
class ActingAutorizado:
    """An autorizado acting for one of their authorizations (the one in the path)."""

    caller: Caller
    authorization: AuthorizationClaim


async def acting_autorizado(caller: Autorizado, authorization: ActingAuthorization) -> ActingAutorizado:
    return ActingAutorizado(caller, authorization)


Acting = Annotated[ActingAutorizado, Depends(acting_autorizado)]
