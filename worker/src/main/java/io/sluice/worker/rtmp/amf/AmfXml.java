package io.sluice.worker.rtmp.amf;

import java.util.Objects;

/**
 * An XML document as its UTF-8 text: AMF0 xml-document (0x0F), AMF3 XMLDocument (0x07) and
 * AMF3 XML (0x0B) all read as this; both writers emit the XML-document form.
 */
public record AmfXml(String xml) {
    public AmfXml {
        Objects.requireNonNull(xml, "xml");
    }
}
