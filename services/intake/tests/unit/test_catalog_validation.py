"""A case's classification and additional data, and its uploads, checked against the catalog."""

from __future__ import annotations

import pytest

from casia_intake.domain.catalog import (
    Catalog,
    CatalogError,
    CatalogViolation,
    Classification,
    FieldFormat,
    Problem,
    load_catalog,
    validate_case_classification_and_data,
    validate_upload,
)

VALID_CCC = "28123456742"  # 281234567 % 97 = 42
VALID_NAF = "281234567840"  # 2812345678 % 97 = 40
BAJAS = Classification("tramite", "afiliacion", "altas_bajas", "bajas_trabajadores_cuenta_ajena")
SLD = Classification("consulta", "cotizacion", "liquidacion_directa", "confirmacion_liquidacion")
APLAZAMIENTOS = Classification("tramite", "deuda_recaudacion", "aplazamientos")
PAGO_DELEGADO = Classification("tramite", "incapacidad_temporal", "pago_delegado")
NACIMIENTO = Classification(
    "tramite", "certificados_prestaciones", "nacimiento_cuidado_menor", "certificado_empresa_nacimiento"
)
ALTA_RETA = Classification("tramite", "trabajadores_autonomos", "altas_bajas_reta", "alta_reta")
ENVIO_FICHEROS = Classification("error_incidencia", "sistema_red", "transferencia_ficheros", "envio_ficheros")
INFORME_SITUACION = Classification(
    "tramite", "sede_electronica", "certificados_informes", "informe_situacion_empresa"
)
SAMPLES = {
    FieldFormat.CCC: VALID_CCC,
    FieldFormat.NAF: VALID_NAF,
    FieldFormat.NIF: "12345678Z",
    FieldFormat.PERIOD: "2025-01",
    FieldFormat.DATE: "2025-01-31",
    FieldFormat.REFERENCE: "28/2025/000123",
}
MIB = 1024 * 1024


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def validate(catalog: Catalog, classification: Classification, data: dict[str, str]) -> dict[str, str]:
    return validate_case_classification_and_data(catalog, classification, additional_data=data)


def problems_of(catalog: Catalog, classification: Classification, data: dict[str, str]) -> list[Problem]:
    with pytest.raises(CatalogViolation) as refused:
        validate(catalog, classification, data)
    return list(refused.value.problems)


def test_valid_data_come_back_normalized_in_field_order(catalog: Catalog) -> None:
    data = validate(catalog, SLD, {"period": "01/2025", "ccc": "28/1234567/42"})
    assert list(data.items()) == [("ccc", VALID_CCC), ("period", "2025-01")]


def test_optional_fields_may_be_left_out_or_blank(catalog: Catalog) -> None:
    data = validate(catalog, APLAZAMIENTOS, {"nif": "x1234567l", "ccc": "  "})
    assert data == {"nif": "X1234567L"}


def test_a_node_without_fields_accepts_no_data(catalog: Catalog) -> None:
    classification = Classification("consulta", "gestion_autorizaciones", "datos_contacto")
    assert validate(catalog, classification, {}) == {}


def test_a_missing_required_field_is_named_in_spanish(catalog: Catalog) -> None:
    assert problems_of(catalog, BAJAS, {"ccc": VALID_CCC}) == [
        ("naf", "El dato «Número de Afiliación a la Seguridad Social (NAF)» es obligatorio para este caso.")
    ]


def test_a_blank_required_field_counts_as_missing(catalog: Catalog) -> None:
    assert [p.field for p in problems_of(catalog, BAJAS, {"ccc": VALID_CCC, "naf": " "})] == ["naf"]


def test_unknown_and_unrequested_keys_are_refused(catalog: Catalog) -> None:
    problems = problems_of(
        catalog, BAJAS, {"ccc": VALID_CCC, "naf": VALID_NAF, "iban": "ES00", "period": "2025-01"}
    )
    assert problems == [
        ("iban", "El dato «iban» no existe en el catálogo."),
        ("period", "El dato «Periodo de liquidación (AAAA-MM)» no se solicita para esta clasificación."),
    ]


def test_all_problems_are_reported_at_once(catalog: Catalog) -> None:
    problems = problems_of(catalog, BAJAS, {"ccc": "28123456743", "extra": "1"})
    assert [p.field for p in problems] == ["extra", "ccc", "naf"]
    assert "dígitos de control" in problems[1].message_es
    assert "obligatorio" in problems[2].message_es


def test_a_value_that_is_not_text_is_refused(catalog: Catalog) -> None:
    data = {"ccc": 28123456742, "naf": VALID_NAF}
    problems = problems_of(catalog, BAJAS, data)  # type: ignore[arg-type]
    assert problems == [("ccc", "El dato «Código Cuenta de Cotización (CCC)» debe ser un texto.")]


def test_an_empty_subcategory_counts_as_none_in_validation(catalog: Catalog) -> None:
    recargos = Classification("consulta", "cotizacion", "recargos", "")
    assert validate(catalog, recargos, {"ccc": VALID_CCC, "period": "2025-02"}) == {
        "ccc": VALID_CCC,
        "period": "2025-02",
    }


def test_a_bad_classification_is_reported_with_the_data_problems(catalog: Catalog) -> None:
    wrong = Classification("tramite", "sistema_red", "errores_aplicacion")
    problems = problems_of(catalog, wrong, {"nif": "12345678A", "naf": VALID_NAF})
    assert [p.field for p in problems] == ["subject", "nif"]
    assert "no está disponible" in problems[0].message_es


def test_a_violation_is_a_catalog_error_with_a_readable_message(catalog: Catalog) -> None:
    with pytest.raises(CatalogError) as refused:
        validate(catalog, BAJAS, {})
    assert "obligatorio" in str(refused.value)
    assert isinstance(refused.value, ValueError)


def test_every_reachable_node_accepts_valid_values_for_all_its_fields(catalog: Catalog) -> None:
    for case_type in ("consulta", "error_incidencia", "tramite"):
        for node in catalog.nodes(case_type):
            classification = Classification(
                case_type,
                node.subject.code,
                node.category.code,
                node.subcategory.code if node.subcategory else None,
            )
            data = {f.code: SAMPLES[f.format] for f in node.fields}
            assert validate(catalog, classification, data) == data


def test_every_reachable_node_names_each_missing_required_field(catalog: Catalog) -> None:
    for case_type in ("consulta", "error_incidencia", "tramite"):
        for node in catalog.nodes(case_type):
            classification = Classification(
                case_type,
                node.subject.code,
                node.category.code,
                node.subcategory.code if node.subcategory else None,
            )
            required = [f.code for f in node.fields if f.required]
            if required:
                assert [p.field for p in problems_of(catalog, classification, {})] == required


# --- real nodes, good and bad data ---------------------------------------------------------------


def test_aplazamientos_normalizes_a_lower_case_company_nif_and_the_file_number(catalog: Catalog) -> None:
    data = validate(
        catalog, APLAZAMIENTOS, {"file_number": "  28 /2025/ 0001 ", "nif": "b-1234567.4", "ccc": ""}
    )
    assert data == {"nif": "B12345674", "file_number": "28 /2025/ 0001"}


def test_aplazamientos_refuses_a_wrong_nif_letter_and_a_file_number_without_digits(catalog: Catalog) -> None:
    problems = problems_of(catalog, APLAZAMIENTOS, {"nif": "12345678A", "file_number": "no lo sé"})
    assert [p.field for p in problems] == ["nif", "file_number"]
    assert problems[0].message_es == "La letra de control del NIF no es correcta."
    assert "al menos una cifra" in problems[1].message_es


def test_pago_delegado_refuses_a_naf_check_digit_and_a_thirteenth_month(catalog: Catalog) -> None:
    problems = problems_of(
        catalog, PAGO_DELEGADO, {"naf": "281234567841", "ccc": "28/1234567/42", "period": "2025-13"}
    )
    assert [p.field for p in problems] == ["naf", "period"]
    assert "dígitos de control" in problems[0].message_es
    assert "mes" in problems[1].message_es


def test_pago_delegado_accepts_the_period_as_month_and_year(catalog: Catalog) -> None:
    data = validate(catalog, PAGO_DELEGADO, {"naf": VALID_NAF, "ccc": VALID_CCC, "period": "03/2025"})
    assert data == {"naf": VALID_NAF, "ccc": VALID_CCC, "period": "2025-03"}


def test_a_birth_certificate_takes_the_start_date_in_spanish_order(catalog: Catalog) -> None:
    data = validate(catalog, NACIMIENTO, {"ccc": VALID_CCC, "naf": VALID_NAF, "date": "15/03/2025"})
    assert data["date"] == "2025-03-15"


def test_a_birth_certificate_refuses_a_day_that_does_not_exist(catalog: Catalog) -> None:
    problems = problems_of(catalog, NACIMIENTO, {"ccc": VALID_CCC, "naf": VALID_NAF, "date": "2025-02-29"})
    assert problems == [("date", "La fecha no existe en el calendario.")]


def test_a_reta_registration_names_the_self_employed_naf_when_it_is_missing(catalog: Catalog) -> None:
    assert problems_of(catalog, ALTA_RETA, {"nif": "X1234567L"}) == [
        ("naf", "El dato «NAF del trabajador autónomo» es obligatorio para este caso.")
    ]


def test_a_file_transfer_error_takes_the_file_name(catalog: Catalog) -> None:
    data = validate(catalog, ENVIO_FICHEROS, {"submission_reference": " RED_2025 03.AFI "})
    assert data == {"submission_reference": "RED_2025 03.AFI"}


def test_a_company_report_accepts_a_company_nif_with_separators(catalog: Catalog) -> None:
    data = validate(catalog, INFORME_SITUACION, {"nif": "q 2826000 h", "ccc": "28-1234567-42"})
    assert data == {"ccc": VALID_CCC, "nif": "Q2826000H"}


def test_a_company_report_refuses_an_entity_control_in_the_wrong_form(catalog: Catalog) -> None:
    problems = problems_of(catalog, INFORME_SITUACION, {"nif": "P12345674"})
    assert problems == [("nif", "El carácter de control del NIF de la entidad no es correcto.")]


def test_upload_within_limits_gives_the_bare_media_type(catalog: Catalog) -> None:
    assert (
        validate_upload(
            catalog, document_type="fichero_red", content_type="Text/Plain; charset=utf-8", size_bytes=10
        )
        == "text/plain"
    )
    assert (
        validate_upload(catalog, document_type="otro", content_type="application/pdf", size_bytes=10 * MIB)
        == "application/pdf"
    )


def test_upload_problems_are_reported_together(catalog: Catalog) -> None:
    with pytest.raises(CatalogViolation) as refused:
        validate_upload(
            catalog, document_type="factura", content_type="application/zip", size_bytes=20 * MIB + 1
        )
    assert [p.field for p in refused.value.problems] == ["document_type", "content_type", "size"]
    assert "20 MiB" in refused.value.problems[2].message_es


def test_an_upload_for_a_node_must_be_a_document_type_the_node_accepts(catalog: Catalog) -> None:
    aplazamientos = catalog.resolve(APLAZAMIENTOS)
    accepted = validate_upload(
        catalog, document_type="garantia", content_type="application/pdf", size_bytes=1, node=aplazamientos
    )
    assert accepted == "application/pdf"
    with pytest.raises(CatalogViolation) as refused:
        validate_upload(
            catalog,
            document_type="parte_it",
            content_type="application/pdf",
            size_bytes=1,
            node=aplazamientos,
        )
    assert refused.value.problems == (
        (
            "document_type",
            "El tipo de documento «Parte de incapacidad temporal» no se admite en esta clasificación.",
        ),
    )


def test_an_upload_without_a_node_may_be_any_document_type_of_the_catalog(catalog: Catalog) -> None:
    for document in catalog.document_types:
        assert validate_upload(catalog, document_type=document.code, content_type="image/png", size_bytes=1)


def test_a_technical_node_accepts_screenshots_and_refuses_contracts(catalog: Catalog) -> None:
    node = catalog.resolve(ENVIO_FICHEROS)
    validate_upload(
        catalog, document_type="captura_pantalla", content_type="image/png", size_bytes=1, node=node
    )
    with pytest.raises(CatalogViolation):
        validate_upload(
            catalog, document_type="contrato", content_type="application/pdf", size_bytes=1, node=node
        )


def test_an_empty_upload_is_refused(catalog: Catalog) -> None:
    with pytest.raises(CatalogViolation) as refused:
        validate_upload(catalog, document_type="contrato", content_type="application/pdf", size_bytes=0)
    assert refused.value.problems == (("size", "El archivo está vacío."),)
