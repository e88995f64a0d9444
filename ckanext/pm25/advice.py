"""Health advice of the Thai AQI bands (PCD), for the general public and for sensitive groups,
in Thai and English. Pure data beside the AQI tables: no CKAN imports.

The texts follow the advice the Pollution Control Department publishes with its AQI table
(Air4Thai, "ความหมายของค่าดัชนีคุณภาพอากาศ"); both groups get the same text in the two lowest
bands and the top band, as PCD's table gives one text for everyone there. Like the band names
(``aqi.AqiBand.name_th``/``name_en``), they are explicit bilingual data, not catalogue messages:
the API returns them in the request's language and the pages in the page's language.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BandAdvice:
    """What PCD advises people to do in one Thai AQI band (``band``: the band's key)."""

    band: str
    general_th: str
    general_en: str
    sensitive_th: str
    sensitive_en: str

    def general(self, language: str) -> str:
        return self.general_en if language == "en" else self.general_th

    def sensitive(self, language: str) -> str:
        return self.sensitive_en if language == "en" else self.sensitive_th


def _same(band: str, thai: str, english: str) -> BandAdvice:
    return BandAdvice(band, thai, english, thai, english)


_ADVICE: tuple[BandAdvice, ...] = (
    _same("very_good",
          "คุณภาพอากาศดีมาก เหมาะสำหรับกิจกรรมกลางแจ้งและการท่องเที่ยว",
          "Very good air quality: suitable for outdoor activities and travel."),
    _same("good",
          "คุณภาพอากาศดี สามารถทำกิจกรรมกลางแจ้งและการท่องเที่ยวได้ตามปกติ",
          "Good air quality: outdoor activities and travel as usual."),
    BandAdvice(
        "moderate",
        "สามารถทำกิจกรรมกลางแจ้งได้ตามปกติ",
        "Outdoor activities as usual.",
        "หากมีอาการเบื้องต้น เช่น ไอ หายใจลำบาก ระคายเคืองตา ควรลดระยะเวลาการทำกิจกรรมกลางแจ้ง",
        "If you have early symptoms such as coughing, difficulty breathing or eye irritation, "
        "spend less time doing outdoor activities."),
    BandAdvice(
        "starting_to_affect_health",
        "ควรเฝ้าระวังสุขภาพ ถ้ามีอาการเบื้องต้น เช่น ไอ หายใจลำบาก ระคายเคืองตา "
        "ควรลดระยะเวลาการทำกิจกรรมกลางแจ้ง หรือใช้อุปกรณ์ป้องกันตนเองหากมีความจำเป็น",
        "Watch your health. If you have early symptoms such as coughing, difficulty breathing or eye "
        "irritation, spend less time doing outdoor activities, or use personal protection (a mask) "
        "where needed.",
        "ควรลดระยะเวลาการทำกิจกรรมกลางแจ้ง หรือใช้อุปกรณ์ป้องกันตนเองหากมีความจำเป็น "
        "ถ้ามีอาการทางสุขภาพ เช่น ไอ หายใจลำบาก ตาอักเสบ แน่นหน้าอก ปวดศีรษะ หัวใจเต้นไม่เป็นปกติ "
        "คลื่นไส้ อ่อนเพลีย ควรปรึกษาแพทย์",
        "Spend less time doing outdoor activities, or use personal protection (a mask) where needed. "
        "If you have symptoms such as coughing, difficulty breathing, eye inflammation, chest "
        "tightness, headache, an irregular heartbeat, nausea or fatigue, see a doctor."),
    _same("affects_health",
          "ทุกคนควรหลีกเลี่ยงกิจกรรมกลางแจ้ง หลีกเลี่ยงพื้นที่ที่มีมลพิษทางอากาศสูง "
          "หรือใช้อุปกรณ์ป้องกันตนเองหากมีความจำเป็น หากมีอาการทางสุขภาพควรปรึกษาแพทย์",
          "Everyone should avoid outdoor activities and areas with high air pollution, or use personal "
          "protection (a mask) where needed. If you have symptoms, see a doctor."),
)

_BY_BAND = {advice.band: advice for advice in _ADVICE}


def thai_advice() -> tuple[BandAdvice, ...]:
    """The advice of every Thai AQI band, lowest band first (as ``aqi.thai_bands()``)."""
    return _ADVICE


def advice_for(band: str | None) -> BandAdvice | None:
    """The advice of a Thai AQI band by its key; None for no band or an unknown one."""
    return _BY_BAND.get(band) if band else None


def advice_record(band: str | None, language: str) -> dict[str, str] | None:
    """The advice as the API gives it: the band's key and both texts in ``language`` (``en``
    for English, Thai otherwise)."""
    advice = advice_for(band)
    if advice is None:
        return None
    return {"key": advice.band, "general_public": advice.general(language),
            "sensitive_groups": advice.sensitive(language)}
