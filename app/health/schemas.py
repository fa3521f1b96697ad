import marshmallow as ma


class LivenessSchema(ma.Schema):
    status = ma.fields.String(metadata={"example": "ok"})


class ReadinessSchema(ma.Schema):
    status = ma.fields.String(metadata={"example": "ready"})
    checks = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Boolean())
